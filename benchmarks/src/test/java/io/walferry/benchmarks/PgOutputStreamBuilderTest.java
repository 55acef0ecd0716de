package io.walferry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class PgOutputStreamBuilderTest {
    private static final int OID = 16_396;

    private static PgOutputStreamBuilder withOneRelation() {
        return new PgOutputStreamBuilder(0x100L, 256).relation(OID, "public", "t", RelationInfo.IDENTITY_DEFAULT,
                new ColumnInfo("id", 23, -1, true), new ColumnInfo("note", 25, -1, false));
    }

    private static byte[] message(PgOutputStream stream, int index) {
        byte[] bytes = new byte[stream.length(index)];
        stream.buffer().getBytes(stream.offset(index), bytes);
        return bytes;
    }

    @Test
    void shouldWriteRelationBytesAsThePgoutputLayoutDescribes() {
        PgOutputStream stream = withOneRelation().build();

        assertThat(message(stream, 0)).containsExactly(
                'R', 0, 0, 0x40, 0x0C, 'p', 'u', 'b', 'l', 'i', 'c', 0, 't', 0, 'd', 0, 2,
                1, 'i', 'd', 0, 0, 0, 0, 23, -1, -1, -1, -1,
                0, 'n', 'o', 't', 'e', 0, 0, 0, 0, 25, -1, -1, -1, -1);
        assertThat(stream.prologueCount()).isEqualTo(1);
        assertThat(stream.changeMessageCount()).isZero();
    }

    @Test
    void shouldWriteInsertTupleBytesAsThePgoutputLayoutDescribes() {
        PgOutputStream stream = withOneRelation().begin(7, 1_000L)
                .insert(OID, 2).text("42").nullValue().end()
                .commit().build();

        assertThat(message(stream, 2)).containsExactly(
                'I', 0, 0, 0x40, 0x0C, 'N', 0, 2, 't', 0, 0, 0, 2, '4', '2', 'n');
        assertThat(message(stream, 1)).hasSize(1 + 8 + 8 + 4).startsWith('B');
        assertThat(message(stream, 3)).hasSize(1 + 1 + 8 + 8 + 8).startsWith('C', 0);
    }

    @Test
    void shouldGiveBeginTheLsnOfItsCommitAndIncreasingLsns() {
        PgOutputStreamBuilder out = withOneRelation();
        for (int xid = 1; xid <= 3; xid++) {
            out.begin(xid, xid * 1_000L).update(OID, 2).text(Integer.toString(xid)).text("x").end().commit();
        }
        PgOutputStream stream = out.build();
        PgOutputDecoder decoder = new PgOutputDecoder(1);

        long previousEndLsn = 0;
        long finalLsn = 0;
        for (int i = 0; i < stream.messageCount(); i++) {
            MessageType type = decoder.wrap(stream.buffer(), stream.offset(i), stream.length(i));
            if (type == MessageType.BEGIN) {
                finalLsn = decoder.begin().finalLsn();
                assertThat(finalLsn).isGreaterThan(previousEndLsn);
            } else if (type == MessageType.COMMIT) {
                assertThat(decoder.commit().commitLsn()).isEqualTo(finalLsn);
                assertThat(decoder.commit().endLsn()).isGreaterThan(finalLsn);
                previousEndLsn = decoder.commit().endLsn();
            }
        }
        assertThat(stream.transactionCount()).isEqualTo(3);
    }

    @Test
    void shouldRefuseATupleWithMissingValues() {
        PgOutputStreamBuilder out = withOneRelation().begin(1, 0L).insert(OID, 2).text("1");

        assertThatThrownBy(out::end).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 column values missing");
    }

    @Test
    void shouldRefuseARowOutsideATransaction() {
        PgOutputStreamBuilder out = withOneRelation();

        assertThatThrownBy(() -> out.insert(OID, 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a transaction");
    }

    @Test
    void shouldFormatTimestampsAsPostgresOutputsThem() {
        long micros = PgText.pgMicros(LocalDateTime.of(2026, 11, 22, 10, 11, 12, 123_456_000));

        assertThat(PgText.timestamp(micros)).isEqualTo("2026-11-22 10:11:12.123456");
        assertThat(PgText.timestamp(micros - 123_056)).isEqualTo("2026-11-22 10:11:12.0004");
        assertThat(PgText.timestamp(micros - 123_456)).isEqualTo("2026-11-22 10:11:12");
        assertThat(PgText.timestamptz(0L)).isEqualTo("2000-01-01 00:00:00+00");
    }
}
