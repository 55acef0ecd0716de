package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code walferry cleanup}: removes a pipeline's slot, publication and target state, and nothing else. */
class CleanupCommandIT {

    @Test
    void shouldRemoveTheSlotThePublicationAndTheStateButKeepTheRows() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "cleanup", "it_cleanup")) {
            pair.source.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
            CommandRun loaded = CommandRun.run(pair.replicateWithLoad("--exit-when-caught-up"));
            assertThat(loaded.exitCode()).as(loaded.toString()).isZero();
            assertThat(objects(pair)).isEqualTo(2);

            CommandRun refused = CommandRun.run(cleanup(pair));
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.stderr()).contains("pass --yes to remove pipeline \"it_cleanup\"");
            assertThat(objects(pair)).as("nothing removed without confirmation").isEqualTo(2);

            CommandRun removed = CommandRun.run(cleanup(pair, "--yes"));

            assertThat(removed.exitCode()).as(removed.toString()).isZero();
            assertThat(removed.stdout()).contains("replication slot walferry_it_cleanup")
                    .contains("publication walferry_it_cleanup").contains("and schema walferry");
            assertThat(objects(pair)).isZero();
            assertThat(pair.target.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry'")).isZero();
            assertThat(pair.target.count("SELECT count(*) FROM t")).as("the copied rows stay").isEqualTo(2);

            CommandRun again = CommandRun.run(cleanup(pair, "--yes"));
            assertThat(again.exitCode()).as("nothing left to remove: %s", again).isZero();
        }
    }

    @Test
    void shouldRefuseWhileTheSlotIsInUse() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "cleanup_busy", "it_cleanup_busy")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            try (WalferryProcess running = WalferryProcess.start(List.of(), pair.replicate())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name ="
                        + " 'walferry_it_cleanup_busy' AND active") == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }

                CommandRun refused = CommandRun.run(cleanup(pair, "--yes"));

                assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
                assertThat(refused.stderr()).contains("is in use by the server process with PID")
                        .contains("Stop it, then run cleanup again");
                assertThat(objects(pair)).isEqualTo(2);
                running.terminate(Duration.ofSeconds(30));
            }
        }
    }

    private static String[] cleanup(ReplicaPair pair, String... extra) {
        String[] replicate = pair.replicateWithLoad();
        String[] args = new String[replicate.length + extra.length];
        System.arraycopy(replicate, 0, args, 0, replicate.length);
        args[0] = "cleanup";
        System.arraycopy(extra, 0, args, replicate.length, extra.length);
        return args;
    }

    /** The pipeline's slot and publication on the source. */
    private static long objects(ReplicaPair pair) throws Exception {
        String name = "'walferry_" + pair.pipelineName() + "'";
        return pair.source.count("SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = " + name + ")"
                + " + (SELECT count(*) FROM pg_publication WHERE pubname = " + name + ")");
    }
}
