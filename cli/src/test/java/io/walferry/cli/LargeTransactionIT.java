package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A source transaction far larger than walferry's heap replicates: the server streams it in
 * progress (logical_decoding_work_mem is 64kB on test servers) and walferry applies each block as
 * it arrives instead of holding the transaction, so a child JVM with {@value #HEAP} of heap applies
 * over a million rows (about 65 MB of pgoutput messages) and exits 0.
 */
class LargeTransactionIT {
    private static final String HEAP = "-Xmx32m";
    private static final String PIPELINE = "it_large_txn";
    private static final String SLOT = "walferry_" + PIPELINE;
    private static final int ROWS = 1_100_000;
    /** Measured at about 13 s on a 2-core machine; generous, because CI machines vary. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(6);

    @Test
    void shouldApplyATransactionOfOverAMillionRowsWithAHeapSmallerThanIt() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "large_txn", PIPELINE)) {
            pair.schema("CREATE TABLE big (id int PRIMARY KEY, pad text)");
            CommandRun created = CommandRun.run(pair.replicate("--exit-when-caught-up"));
            assertThat(created.exitCode()).as(created.toString()).isZero();

            // md5 text: 32 characters a row, about 60 bytes of pgoutput per change.
            pair.source.execute("INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, " + ROWS + ") g");
            long started = System.nanoTime();
            try (WalferryProcess replicate = WalferryProcess.start(List.of(HEAP, "-XX:+ExitOnOutOfMemoryError"),
                    pair.replicate("--exit-when-caught-up"))) {
                int exit = replicate.awaitExit(CATCH_UP_TIMEOUT);
                long elapsedMs = (System.nanoTime() - started) / 1_000_000;

                assertThat(exit).as(replicate.log()).isZero();
                assertThat(streamedTransactions(pair)).as("transactions the source streamed in progress to the slot")
                        .isPositive();
                System.out.printf("LargeTransactionIT: %d rows in one transaction (%d MB decoded for streaming)"
                        + " applied by walferry with %s in %d ms%n", ROWS, pair.source.count("SELECT stream_bytes"
                        + " FROM pg_stat_replication_slots WHERE slot_name = '" + SLOT + "'") >> 20, HEAP, elapsedMs);
            }
            String checksum = "SELECT count(*) || ' ' || sum(id) || ' ' || sum(hashtext(pad)::bigint) FROM big";
            assertThat(text(pair.target, checksum)).as("count, sum(id), sum(hashtext(pad)) on the target")
                    .isEqualTo(text(pair.source, checksum))
                    .startsWith(ROWS + " ");
        }
    }

    /** pg_stat_replication_slots.stream_txns of the pipeline's slot: statistics may trail, so polled. */
    private static long streamedTransactions(ReplicaPair pair) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long streamed;
        do {
            streamed = pair.source.count("SELECT coalesce(max(stream_txns), 0) FROM pg_stat_replication_slots"
                    + " WHERE slot_name = '" + SLOT + "'");
            if (streamed > 0) {
                break;
            }
            Thread.sleep(100); // polling the statistics view: there is no event to wait on
        } while (System.nanoTime() < deadline);
        return streamed;
    }

    private static String text(SourceDatabase db, String query) throws Exception {
        try (var statement = db.sql.createStatement(); var row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
