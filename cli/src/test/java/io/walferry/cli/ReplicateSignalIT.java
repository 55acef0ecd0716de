package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real {@code walferry replicate} process stops cleanly on SIGTERM. */
class ReplicateSignalIT {

    @Test
    void shouldConfirmWhatIsDurableReleaseTheSlotAndExitZeroOnSigterm() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "replicate_sigterm", "it_sigterm")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY, v text)");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            try (WalferryProcess daemon = WalferryProcess.start(List.of(), pair.replicate())) {
                pair.source.execute("INSERT INTO t SELECT g, 'v' FROM generate_series(1, 500) g");
                awaitTargetRows(pair, 500, daemon);

                int exit = daemon.terminate(Duration.ofSeconds(60));

                assertThat(exit).as(daemon.log()).isZero();
                assertThat(daemon.stderr()).contains("SIGTERM received").contains("stopped (stop requested)");
            }
            awaitSlotReleased(pair);
            String recorded = text(pair.target, "SELECT min(end_lsn)::text FROM walferry.apply_progress WHERE pipeline = 'it_sigterm'");
            assertThat(pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_sigterm'"
                    + " AND confirmed_flush_lsn >= '" + recorded + "'::pg_lsn"))
                    .as("the slot confirms at least the target's recorded progress %s", recorded).isEqualTo(1);
            pair.assertSameRows("t");
        }
    }

    private static void awaitTargetRows(ReplicaPair pair, long rows, WalferryProcess daemon) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (pair.target.count("SELECT count(*) FROM t") < rows) {
            if (System.nanoTime() > deadline || !daemon.isAlive()) {
                throw new AssertionError("the target did not receive " + rows + " rows\n" + daemon.log());
            }
            Thread.sleep(50); // polling the target: there is no event to wait on
        }
    }

    /** The walsender ends a moment after the client closed the stream: the slot is kept, and released. */
    private static void awaitSlotReleased(ReplicaPair pair) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_sigterm'"
                + " AND NOT active") != 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("slot walferry_it_sigterm is missing or still active 10 s after walferry exited");
            }
            Thread.sleep(50); // polling the catalog: there is no event to wait on
        }
    }

    private static String text(SourceDatabase db, String query) throws Exception {
        try (var statement = db.sql.createStatement(); var result = statement.executeQuery(query)) {
            result.next();
            return result.getString(1);
        }
    }
}
