package io.walferry.engine.peek;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class MessageJsonWriterTest {
    /** 2024-05-01T10:15:30.123456Z in microseconds since 2000-01-01. */
    private static final long TIME = 767_873_730_123_456L;
    private static final String TIME_TEXT = "2024-05-01T10:15:30.123456Z";
    private static final int ORDERS = 16_385;

    private final PgOutputDecoder decoder = new PgOutputDecoder(4);
    private final StringWriter output = new StringWriter();
    private final MessageJsonWriter writer;

    MessageJsonWriterTest() throws Exception {
        writer = new MessageJsonWriter(output);
    }

    private String print(long lsn, PgOutputBytes message) throws Exception {
        byte[] bytes = message.toArray();
        int before = output.getBuffer().length();
        MessageType type = decoder.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
        writer.write(lsn, decoder, type);
        writer.flush();
        return output.getBuffer().substring(before);
    }

    private static PgOutputBytes ordersRelation(char identity) {
        return PgOutputBytes.message('R').int32(ORDERS).string("public").string("orders").int8(identity).int16(3)
                .column(true, "id", 23, -1)
                .column(false, "note", 25, -1)
                .column(false, "price", 1700, 655_366);
    }

    private static PgOutputBytes begin(int xid) {
        return PgOutputBytes.message('B').int64(0x16B3800L).int64(TIME).int32(xid);
    }

    @Test
    void shouldPrintATransactionWithRelationAndInsert() throws Exception {
        assertThat(print(0x16B3748L, begin(731))).isEqualTo(
                "{\"lsn\":\"0/16B3748\",\"xid\":731,\"op\":\"begin\",\"final_lsn\":\"0/16B3800\",\"commit_time\":\"" + TIME_TEXT + "\"}\n");
        assertThat(print(0x16B3748L, ordersRelation('d'))).isEqualTo(
                "{\"lsn\":\"0/16B3748\",\"xid\":731,\"op\":\"relation\",\"table\":\"public.orders\",\"relid\":16385,"
                        + "\"replica_identity\":\"default\",\"columns\":["
                        + "{\"name\":\"id\",\"type_oid\":23,\"typmod\":-1,\"key\":true},"
                        + "{\"name\":\"note\",\"type_oid\":25,\"typmod\":-1,\"key\":false},"
                        + "{\"name\":\"price\",\"type_oid\":1700,\"typmod\":655366,\"key\":false}]}\n");
        assertThat(print(0x16B3790L, PgOutputBytes.message('I').int32(ORDERS).int8('N').int16(3)
                .text("1").text("first").nullValue())).isEqualTo(
                "{\"lsn\":\"0/16B3790\",\"xid\":731,\"op\":\"insert\",\"table\":\"public.orders\","
                        + "\"new\":{\"id\":\"1\",\"note\":\"first\",\"price\":null}}\n");
        assertThat(print(0x16B3800L, PgOutputBytes.message('C').int8(0).int64(0x16B3800L).int64(0x16B3830L).int64(TIME)))
                .isEqualTo("{\"lsn\":\"0/16B3800\",\"xid\":731,\"op\":\"commit\",\"commit_lsn\":\"0/16B3800\","
                        + "\"end_lsn\":\"0/16B3830\",\"commit_time\":\"" + TIME_TEXT + "\"}\n");
    }

    @Test
    void shouldLeaveOutTheXidAfterCommit() throws Exception {
        print(1, begin(5));
        print(2, PgOutputBytes.message('C').int8(0).int64(2).int64(3).int64(TIME));
        assertThat(print(4, PgOutputBytes.message('M').int8(0).int64(4).string("p").int32(1).raw(new byte[] {'x'})))
                .isEqualTo("{\"lsn\":\"0/4\",\"op\":\"message\",\"transactional\":false,\"prefix\":\"p\","
                        + "\"message_lsn\":\"0/4\",\"content\":\"x\"}\n");
    }

    @Test
    void shouldPrintUpdateWithOldKeyUnchangedToastAndOnlyKeyColumns() throws Exception {
        print(1, begin(9));
        print(1, ordersRelation('d'));
        String line = print(2, PgOutputBytes.message('U').int32(ORDERS)
                .int8('K').int16(3).text("1").nullValue().nullValue()
                .int8('N').int16(3).text("2").unchangedToast().text("9.50"));
        assertThat(line).isEqualTo("{\"lsn\":\"0/2\",\"xid\":9,\"op\":\"update\",\"table\":\"public.orders\","
                + "\"old_kind\":\"key\",\"old\":{\"id\":\"1\"},"
                + "\"new\":{\"id\":\"2\",\"note\":{\"unchanged\":true},\"price\":\"9.50\"}}\n");
    }

    @Test
    void shouldPrintUpdateWithoutOldTupleAndFullRowDelete() throws Exception {
        print(1, begin(9));
        print(1, ordersRelation('f'));
        assertThat(print(2, PgOutputBytes.message('U').int32(ORDERS).int8('N').int16(3).text("1").text("n").nullValue()))
                .isEqualTo("{\"lsn\":\"0/2\",\"xid\":9,\"op\":\"update\",\"table\":\"public.orders\","
                        + "\"new\":{\"id\":\"1\",\"note\":\"n\",\"price\":null}}\n");
        assertThat(print(3, PgOutputBytes.message('D').int32(ORDERS).int8('O').int16(3).text("1").text("n").nullValue()))
                .isEqualTo("{\"lsn\":\"0/3\",\"xid\":9,\"op\":\"delete\",\"table\":\"public.orders\","
                        + "\"old_kind\":\"row\",\"old\":{\"id\":\"1\",\"note\":\"n\",\"price\":null}}\n");
    }

    @Test
    void shouldPrintDeleteByKey() throws Exception {
        print(1, begin(9));
        print(1, ordersRelation('d'));
        assertThat(print(3, PgOutputBytes.message('D').int32(ORDERS).int8('K').int16(3).text("7").nullValue().nullValue()))
                .isEqualTo("{\"lsn\":\"0/3\",\"xid\":9,\"op\":\"delete\",\"table\":\"public.orders\","
                        + "\"old_kind\":\"key\",\"old\":{\"id\":\"7\"}}\n");
    }

    @Test
    void shouldEscapeControlCharactersQuotesAndKeepNonBmpCharacters() throws Exception {
        print(1, begin(9));
        print(1, ordersRelation('d'));
        String line = print(2, PgOutputBytes.message('I').int32(ORDERS).int8('N').int16(3)
                .text("1").text("tab\tnl\nq\"bs\\ bell\u0007 é \uD83D\uDE00").nullValue());
        assertThat(line).isEqualTo("{\"lsn\":\"0/2\",\"xid\":9,\"op\":\"insert\",\"table\":\"public.orders\","
                + "\"new\":{\"id\":\"1\",\"note\":\"tab\\tnl\\nq\\\"bs\\\\ bell\\u0007 é \uD83D\uDE00\",\"price\":null}}\n");
    }

    @Test
    void shouldRenderBinaryValuesByTypeAndUnknownOnesAsHex() throws Exception {
        print(1, begin(9));
        print(1, PgOutputBytes.message('R').int32(ORDERS).string("public").string("blobs").int8('d').int16(4)
                .column(true, "id", 23, -1)
                .column(false, "note", 25, -1)
                .column(false, "raw", 17, -1)
                .column(false, "custom", 99_999, -1));
        assertThat(print(2, PgOutputBytes.message('I').int32(ORDERS).int8('N').int16(4)
                .binary((byte) 0, (byte) 0, (byte) 0, (byte) 42)
                .binary("é\"".getBytes(StandardCharsets.UTF_8))
                .binary((byte) 0xAB, (byte) 0x0F)
                .binary((byte) 1, (byte) 2)))
                .isEqualTo("{\"lsn\":\"0/2\",\"xid\":9,\"op\":\"insert\",\"table\":\"public.blobs\","
                        + "\"new\":{\"id\":\"42\",\"note\":\"é\\\"\",\"raw\":\"\\\\xab0f\",\"custom\":\"\\\\x0102\"}}\n");
    }

    @Test
    void shouldPrintTruncateOfSeveralTables() throws Exception {
        print(1, begin(9));
        print(1, ordersRelation('d'));
        print(1, PgOutputBytes.message('R').int32(16_400).string("sales").string("items").int8('n').int16(1)
                .column(false, "x", 23, -1));
        assertThat(print(2, PgOutputBytes.message('T').int32(2).int8(3).int32(ORDERS).int32(16_400)))
                .isEqualTo("{\"lsn\":\"0/2\",\"xid\":9,\"op\":\"truncate\",\"tables\":[\"public.orders\",\"sales.items\"],"
                        + "\"cascade\":true,\"restart_identity\":true}\n");
    }

    @Test
    void shouldPrintTransactionalMessageAsTextOrBase64() throws Exception {
        print(1, begin(9));
        assertThat(print(2, PgOutputBytes.message('M').int8(1).int64(0x20).string("walferry")
                .int32(6).raw("héllo".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("{\"lsn\":\"0/2\",\"xid\":9,\"op\":\"message\",\"transactional\":true,\"prefix\":\"walferry\","
                        + "\"message_lsn\":\"0/20\",\"content\":\"héllo\"}\n");
        assertThat(print(3, PgOutputBytes.message('M').int8(1).int64(0x20).string("bin")
                .int32(3).raw(new byte[] {(byte) 0xFF, 0, (byte) 0xC3})))
                .isEqualTo("{\"lsn\":\"0/3\",\"xid\":9,\"op\":\"message\",\"transactional\":true,\"prefix\":\"bin\","
                        + "\"message_lsn\":\"0/20\",\"content\":\"/wDD\",\"content_base64\":true}\n");
    }

    @Test
    void shouldPrintOriginAndType() throws Exception {
        print(1, begin(9));
        assertThat(print(2, PgOutputBytes.message('O').int64(0x1_0000_0010L).string("node_a")))
                .isEqualTo("{\"lsn\":\"0/2\",\"xid\":9,\"op\":\"origin\",\"origin_lsn\":\"1/10\",\"origin_name\":\"node_a\"}\n");
        assertThat(print(3, PgOutputBytes.message('Y').int32(-100).string("public").string("mood")))
                .isEqualTo("{\"lsn\":\"0/3\",\"xid\":9,\"op\":\"type\",\"type_oid\":4294967196,\"namespace\":\"public\",\"name\":\"mood\"}\n");
    }

    @Test
    void shouldPrintAStreamedTransaction() throws Exception {
        assertThat(print(1, PgOutputBytes.message('S').int32(800).int8(1)))
                .isEqualTo("{\"lsn\":\"0/1\",\"xid\":800,\"op\":\"stream_start\",\"first_segment\":true}\n");
        print(2, PgOutputBytes.message('R').int32(800).int32(ORDERS).string("public").string("orders").int8('d').int16(3)
                .column(true, "id", 23, -1).column(false, "note", 25, -1).column(false, "price", 1700, -1));
        assertThat(print(3, PgOutputBytes.message('I').int32(800).int32(ORDERS).int8('N').int16(3)
                .text("5").nullValue().nullValue()))
                .isEqualTo("{\"lsn\":\"0/3\",\"xid\":800,\"op\":\"insert\",\"table\":\"public.orders\","
                        + "\"new\":{\"id\":\"5\",\"note\":null,\"price\":null}}\n");
        assertThat(print(4, PgOutputBytes.message('E')))
                .isEqualTo("{\"lsn\":\"0/4\",\"xid\":800,\"op\":\"stream_stop\"}\n");
        assertThat(print(5, PgOutputBytes.message('A').int32(800).int32(801).int64(0x50).int64(TIME)))
                .isEqualTo("{\"lsn\":\"0/5\",\"xid\":800,\"op\":\"stream_abort\",\"sub_xid\":801,"
                        + "\"abort_lsn\":\"0/50\",\"abort_time\":\"" + TIME_TEXT + "\"}\n");
        assertThat(print(6, PgOutputBytes.message('A').int32(800).int32(800)))
                .isEqualTo("{\"lsn\":\"0/6\",\"xid\":800,\"op\":\"stream_abort\",\"sub_xid\":800}\n");
        assertThat(print(7, PgOutputBytes.message('c').int32(800).int8(0).int64(0x60).int64(0x70).int64(TIME)))
                .isEqualTo("{\"lsn\":\"0/7\",\"xid\":800,\"op\":\"stream_commit\",\"commit_lsn\":\"0/60\","
                        + "\"end_lsn\":\"0/70\",\"commit_time\":\"" + TIME_TEXT + "\"}\n");
    }

    @Test
    void shouldPrintTwoPhaseMessages() throws Exception {
        assertThat(print(1, PgOutputBytes.message('b').int64(0x10).int64(0x20).int64(TIME).int32(77).string("gid-1")))
                .isEqualTo("{\"lsn\":\"0/1\",\"xid\":77,\"op\":\"begin_prepare\",\"gid\":\"gid-1\",\"prepare_lsn\":\"0/10\","
                        + "\"end_lsn\":\"0/20\",\"prepare_time\":\"" + TIME_TEXT + "\"}\n");
        assertThat(print(2, PgOutputBytes.message('P').int8(0).int64(0x10).int64(0x20).int64(TIME).int32(77).string("gid-1")))
                .isEqualTo("{\"lsn\":\"0/2\",\"xid\":77,\"op\":\"prepare\",\"gid\":\"gid-1\",\"prepare_lsn\":\"0/10\","
                        + "\"end_lsn\":\"0/20\",\"prepare_time\":\"" + TIME_TEXT + "\"}\n");
        assertThat(print(3, PgOutputBytes.message('K').int8(0).int64(0x30).int64(0x40).int64(TIME).int32(77).string("gid-1")))
                .isEqualTo("{\"lsn\":\"0/3\",\"xid\":77,\"op\":\"commit_prepared\",\"gid\":\"gid-1\",\"commit_lsn\":\"0/30\","
                        + "\"end_lsn\":\"0/40\",\"commit_time\":\"" + TIME_TEXT + "\"}\n");
        assertThat(print(4, PgOutputBytes.message('r').int8(0).int64(0x20).int64(0x50).int64(TIME).int64(TIME + 1)
                .int32(78).string("gid-2")))
                .isEqualTo("{\"lsn\":\"0/4\",\"xid\":78,\"op\":\"rollback_prepared\",\"gid\":\"gid-2\","
                        + "\"prepare_end_lsn\":\"0/20\",\"rollback_end_lsn\":\"0/50\",\"prepare_time\":\"" + TIME_TEXT
                        + "\",\"rollback_time\":\"2024-05-01T10:15:30.123457Z\"}\n");
        assertThat(print(5, PgOutputBytes.message('p').int8(0).int64(0x10).int64(0x20).int64(TIME).int32(79).string("g3")))
                .isEqualTo("{\"lsn\":\"0/5\",\"xid\":79,\"op\":\"stream_prepare\",\"gid\":\"g3\",\"prepare_lsn\":\"0/10\","
                        + "\"end_lsn\":\"0/20\",\"prepare_time\":\"" + TIME_TEXT + "\"}\n");
    }

    @Test
    void shouldPrintInfiniteTimesAsWords() throws Exception {
        assertThat(print(1, PgOutputBytes.message('B').int64(1).int64(Long.MAX_VALUE).int32(1)))
                .contains("\"commit_time\":\"infinity\"");
    }
}
