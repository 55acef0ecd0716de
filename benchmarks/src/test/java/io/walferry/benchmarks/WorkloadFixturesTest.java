package io.walferry.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.PgTime;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decodes every benchmark fixture in full with the real decoder, so that a broken fixture fails
 * here instead of being benchmarked.
 */
class WorkloadFixturesTest {
    private static PgOutputStream oltpText;
    private static PgOutputStream oltpBinary;
    private static PgOutputStream wide;
    private static PgOutputStream large;

    @BeforeAll
    static void buildFixtures() {
        oltpText = PgbenchWorkload.build(PgbenchWorkload.Format.TEXT);
        oltpBinary = PgbenchWorkload.build(PgbenchWorkload.Format.BINARY);
        wide = WideRowWorkload.build();
        large = LargeValueWorkload.build();
    }

    private static PgOutputDecoder primed(PgOutputStream stream) {
        PgOutputDecoder decoder = new PgOutputDecoder(DecoderBenchmark.PROTOCOL_VERSION);
        StreamDecoding.decodePrologue(decoder, stream);
        return decoder;
    }

    private static Map<MessageType, Integer> countByType(PgOutputStream stream) {
        PgOutputDecoder decoder = new PgOutputDecoder(DecoderBenchmark.PROTOCOL_VERSION);
        Map<MessageType, Integer> counts = new EnumMap<>(MessageType.class);
        for (int i = 0; i < stream.messageCount(); i++) {
            counts.merge(decoder.wrap(stream.buffer(), stream.offset(i), stream.length(i)), 1, Integer::sum);
        }
        return counts;
    }

    private static MessageType wrap(PgOutputDecoder decoder, PgOutputStream stream, int index) {
        return decoder.wrap(stream.buffer(), stream.offset(index), stream.length(index));
    }

    @Test
    void shouldDecodePgbenchTextStreamAsRelationsThenTpcbTransactions() {
        assertThat(oltpText.prologueCount()).isEqualTo(4);
        assertThat(oltpText.changeMessageCount()).isEqualTo(PgbenchWorkload.MESSAGES);
        assertThat(countByType(oltpText)).containsExactlyInAnyOrderEntriesOf(Map.of(
                MessageType.RELATION, 4,
                MessageType.BEGIN, PgbenchWorkload.TRANSACTIONS,
                MessageType.UPDATE, 3 * PgbenchWorkload.TRANSACTIONS,
                MessageType.INSERT, PgbenchWorkload.TRANSACTIONS,
                MessageType.COMMIT, PgbenchWorkload.TRANSACTIONS));
    }

    @Test
    void shouldCarryPgbenchValuesInServerTextForm() {
        PgOutputDecoder decoder = primed(oltpText);
        int first = oltpText.prologueCount();

        assertThat(wrap(decoder, oltpText, first)).isEqualTo(MessageType.BEGIN);
        assertThat(decoder.begin().xid()).isEqualTo(PgbenchWorkload.FIRST_XID);
        assertThat(decoder.begin().commitTimeMicros()).isEqualTo(PgbenchWorkload.FIRST_COMMIT_MICROS);
        assertThat(PgTime.toInstant(decoder.begin().commitTimeMicros())).hasToString("2026-11-22T10:11:12.123456Z");

        assertThat(wrap(decoder, oltpText, first + 1)).isEqualTo(MessageType.UPDATE);
        UpdateMessage account = decoder.update();
        assertThat(account.relation().qualifiedName()).isEqualTo("public.pgbench_accounts");
        assertThat(account.hasOldTuple()).isFalse();
        TupleData row = account.newTuple();
        int aid = Integer.parseInt(row.text(0));
        assertThat(aid).isBetween(1, PgbenchWorkload.ACCOUNTS);
        assertThat(row.text(1)).isEqualTo(Integer.toString((aid - 1) / 100_000 + 1));
        assertThat(Integer.parseInt(row.text(2))).isBetween(-5_000, 5_000);
        assertThat(row.text(3)).hasSize(84).isBlank();

        assertThat(wrap(decoder, oltpText, first + 2)).isEqualTo(MessageType.UPDATE);
        assertThat(decoder.update().relation().name()).isEqualTo("pgbench_tellers");
        assertThat(decoder.update().newTuple().isNull(3)).isTrue();
        assertThat(wrap(decoder, oltpText, first + 3)).isEqualTo(MessageType.UPDATE);
        assertThat(decoder.update().relation().name()).isEqualTo("pgbench_branches");

        assertThat(wrap(decoder, oltpText, first + 4)).isEqualTo(MessageType.INSERT);
        TupleData history = decoder.insert().newTuple();
        assertThat(decoder.insert().relation().name()).isEqualTo("pgbench_history");
        assertThat(history.text(2)).isEqualTo(Integer.toString(aid));
        assertThat(history.text(4)).matches("2026-11-22 10:11:1[12](\\.\\d{1,6})?");
        assertThat(history.isNull(5)).isTrue();

        assertThat(wrap(decoder, oltpText, first + 5)).isEqualTo(MessageType.COMMIT);
    }

    @Test
    void shouldCarryTheSameValuesInBinaryAsInText() {
        assertThat(countByType(oltpBinary)).isEqualTo(countByType(oltpText));
        PgOutputDecoder text = primed(oltpText);
        PgOutputDecoder binary = primed(oltpBinary);
        // The last transaction: balances have accumulated over the whole stream by then.
        int insertIndex = oltpText.messageCount() - 2;

        assertThat(wrap(text, oltpText, insertIndex)).isEqualTo(MessageType.INSERT);
        assertThat(wrap(binary, oltpBinary, insertIndex)).isEqualTo(MessageType.INSERT);
        TupleData textRow = text.insert().newTuple();
        TupleData binaryRow = binary.insert().newTuple();
        for (int column = 0; column < 4; column++) {
            assertThat(binaryRow.isBinary(column)).isTrue();
            assertThat(binaryRow.valueLength(column)).isEqualTo(4);
            int value = binaryRow.buffer().getInt(binaryRow.valueOffset(column), ByteOrder.BIG_ENDIAN);
            assertThat(value).isEqualTo(Integer.parseInt(textRow.text(column)));
        }
        long mtimeMicros = binaryRow.buffer().getLong(binaryRow.valueOffset(4), ByteOrder.BIG_ENDIAN);
        assertThat(PgText.timestamp(mtimeMicros)).isEqualTo(textRow.text(4));

        assertThat(wrap(binary, oltpBinary, oltpBinary.prologueCount() + 1)).isEqualTo(MessageType.UPDATE);
        assertThat(binary.update().newTuple().valueLength(3)).isEqualTo(84);
    }

    @Test
    void shouldDecodeWideRowsOfFortyMixedColumns() {
        assertThat(wide.changeMessageCount()).isEqualTo(WideRowWorkload.MESSAGES);
        assertThat(countByType(wide)).containsExactlyInAnyOrderEntriesOf(Map.of(
                MessageType.RELATION, 1,
                MessageType.BEGIN, WideRowWorkload.TRANSACTIONS,
                MessageType.INSERT, WideRowWorkload.TRANSACTIONS,
                MessageType.UPDATE, WideRowWorkload.TRANSACTIONS,
                MessageType.DELETE, WideRowWorkload.TRANSACTIONS,
                MessageType.COMMIT, WideRowWorkload.TRANSACTIONS));

        PgOutputDecoder decoder = primed(wide);
        int first = wide.prologueCount();
        assertThat(wrap(decoder, wide, first + 1)).isEqualTo(MessageType.INSERT);
        RelationInfo relation = decoder.insert().relation();
        TupleData row = decoder.insert().newTuple();
        assertThat(relation.columnCount()).isEqualTo(40);
        assertThat(row.columnCount()).isEqualTo(40);
        assertThat(row.text(0)).isEqualTo(Long.toString(WideRowWorkload.FIRST_NEW_ID));
        assertThat(row.text(2)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?\\+00");
        assertThat(row.text(20)).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(row.text(22)).startsWith("{\"plan\": ");
        assertThat(row.text(38)).matches("\\\\x[0-9a-f]{64}");

        assertThat(wrap(decoder, wide, first + 3)).isEqualTo(MessageType.DELETE);
        TupleData key = decoder.delete().oldTuple();
        assertThat(decoder.delete().oldTupleKind()).isEqualTo(UpdateMessage.OLD_KEY);
        assertThat(key.isText(0)).isTrue();
        for (int column = 1; column < 40; column++) {
            assertThat(key.isNull(column)).isTrue();
        }
    }

    @Test
    void shouldDecodeLargeValuesAndUnchangedToast() {
        assertThat(large.changeMessageCount()).isEqualTo(LargeValueWorkload.MESSAGES);
        assertThat(large.byteCount()).isGreaterThan(LargeValueWorkload.TRANSACTIONS * LargeValueWorkload.BODY_BYTES);
        assertThat(countByType(large)).containsExactlyInAnyOrderEntriesOf(Map.of(
                MessageType.RELATION, 1,
                MessageType.BEGIN, LargeValueWorkload.TRANSACTIONS,
                MessageType.INSERT, LargeValueWorkload.TRANSACTIONS,
                MessageType.UPDATE, LargeValueWorkload.TRANSACTIONS,
                MessageType.COMMIT, LargeValueWorkload.TRANSACTIONS));

        PgOutputDecoder decoder = primed(large);
        int first = large.prologueCount();
        assertThat(wrap(decoder, large, first + 1)).isEqualTo(MessageType.INSERT);
        TupleData inserted = decoder.insert().newTuple();
        assertThat(inserted.text(0)).isEqualTo(Long.toString(LargeValueWorkload.FIRST_ID));
        assertThat(inserted.valueLength(2)).isEqualTo(LargeValueWorkload.SUMMARY_BYTES);
        assertThat(inserted.valueLength(3)).isEqualTo(LargeValueWorkload.BODY_BYTES);
        assertThat(inserted.text(3)).startsWith(PgText.word(new Random(LargeValueWorkload.SEED)));

        assertThat(wrap(decoder, large, first + 2)).isEqualTo(MessageType.UPDATE);
        TupleData updated = decoder.update().newTuple();
        assertThat(updated.text(1)).isEqualTo("2");
        assertThat(updated.valueLength(2)).isEqualTo(LargeValueWorkload.SUMMARY_BYTES);
        assertThat(updated.isUnchangedToast(3)).isTrue();
    }

    @Test
    void shouldGiveTheBenchmarkLoopsTheSameChecksumOnEveryPass() {
        for (PgOutputStream stream : new PgOutputStream[] {oltpText, oltpBinary, wide, large}) {
            PgOutputDecoder decoder = primed(stream);
            RowRoutingConsumer consumer = new RowRoutingConsumer();

            long decoded = StreamDecoding.decodeAll(decoder, stream);
            long consumed = consumer.consumeAll(decoder, stream);

            assertThat(StreamDecoding.decodeAll(decoder, stream)).isEqualTo(decoded);
            assertThat(consumer.consumeAll(decoder, stream)).isEqualTo(consumed);
            long routedRows = 0;
            for (int lane = 0; lane < RowRoutingConsumer.LANES; lane++) {
                routedRows += consumer.laneRows(lane);
            }
            assertThat(routedRows).isEqualTo(2L * (stream.changeMessageCount() - 2L * stream.transactionCount()));
        }
    }

    @Test
    void shouldSpreadPgbenchAccountsOverEveryLane() {
        RowRoutingConsumer consumer = new RowRoutingConsumer();
        consumer.consumeAll(primed(oltpText), oltpText);

        for (int lane = 0; lane < RowRoutingConsumer.LANES; lane++) {
            assertThat(consumer.laneRows(lane)).as("rows in lane %d", lane).isPositive();
        }
    }
}
