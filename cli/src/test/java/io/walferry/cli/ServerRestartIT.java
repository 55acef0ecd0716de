package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restart of the source or of the target while {@code walferry replicate} runs under a concurrent
 * write workload ({@link CrashWorkload}): walferry says it lost the server, reconnects, and the target
 * ends equal to the source row for row (the keyless {@code journal} table shows any change applied
 * twice as an extra row; the counter shows any lost one). Embedded servers only: others cannot be
 * restarted by the test kit.
 */
class ServerRestartIT {
    private static final Duration WORKLOAD = Duration.ofSeconds(8);
    private static final Duration AWAIT = Duration.ofSeconds(90);

    @Test
    void shouldReconnectAndLoseNothingWhenTheSourceRestartsUnderLoad() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "restart_source", "it_restart_source")) {
            PgServer source = pair.source.server;
            assumeTrue(source.canRestart(), source.describe() + " cannot be restarted by the test kit");
            pair.schema(CrashWorkload.SCHEMA);
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();

            try (WalferryProcess daemon = WalferryProcess.start(List.of(), pair.replicate());
                 CrashWorkload workload = new CrashWorkload(pair.source, WORKLOAD, 17, true)) {
                workload.start();
                awaitTargetCounter(pair, 20, daemon);

                source.restart();
                pair.source.reconnect();

                workload.awaitEnd();
                assertThat(workload.reconnects()).as("workload clients cut off by the restart").isPositive();
                awaitCaughtUp(pair, daemon);
                assertThat(daemon.terminate(AWAIT)).as(daemon.log()).isZero();
                assertThat(daemon.stderr()).as(daemon.log())
                        .contains("lost the replication connection to " + source.host() + ":" + source.port())
                        .contains("reconnected to " + source.host() + ":" + source.port());
            }
            pair.assertSameRows(CrashWorkload.TABLES);
        }
    }

    @Test
    void shouldReconnectAndLoseNothingWhenTheTargetRestartsUnderLoad() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "restart_target", "it_restart_target")) {
            PgServer target = pair.target.server;
            assumeTrue(target.canRestart(), target.describe() + " cannot be restarted by the test kit");
            pair.schema(CrashWorkload.SCHEMA);
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();

            try (WalferryProcess daemon = WalferryProcess.start(List.of(), pair.replicate());
                 CrashWorkload workload = new CrashWorkload(pair.source, WORKLOAD, 18)) {
                workload.start();
                awaitTargetCounter(pair, 20, daemon);

                target.restart();
                pair.target.reconnect();

                workload.awaitEnd();
                awaitCaughtUp(pair, daemon);
                assertThat(daemon.terminate(AWAIT)).as(daemon.log()).isZero();
                assertThat(daemon.stderr()).as(daemon.log()).contains("the target failed").contains("restarting the pipeline");
            }
            CommandRun status = CommandRun.run("status", "--target", pair.target.url(), "--pipeline", "it_restart_target");
            assertThat(status.stdout()).as("the failure the restart healed, for status")
                    .containsPattern("last error: at .*, cannot_connect \\(exit 3\\), walferry restarted the pipeline: ");
            pair.assertSameRows(CrashWorkload.TABLES);
        }
    }

    private static void awaitTargetCounter(ReplicaPair pair, long n, WalferryProcess daemon) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (pair.target.count("SELECT n FROM counter") < n) {
            if (System.nanoTime() > deadline || !daemon.isAlive()) {
                throw new AssertionError("the target's counter did not reach " + n + "\n" + daemon.log());
            }
            Thread.sleep(50); // polling the target: there is no event to wait on
        }
    }

    /** Waits until the target's counter equals the source's, which no longer moves. */
    private static void awaitCaughtUp(ReplicaPair pair, WalferryProcess daemon) throws Exception {
        awaitTargetCounter(pair, pair.source.count("SELECT n FROM counter"), daemon);
    }
}
