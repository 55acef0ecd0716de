package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code walferry peek} as a process, built jar and all: SIGTERM (what Ctrl-C's SIGINT also
 * triggers) runs the shutdown hook, which stops the stream and waits for the cleanup.
 */
class PeekSignalIT {
    private static final Path JAR = Path.of("target", "walferry.jar");

    @Test
    void shouldLeaveNoSlotOrPublicationBehindWhenTerminated() throws Exception {
        assertThat(JAR).as("the shaded jar, built in the package phase").exists();
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(TestPostgres.newestVersion()), "peek_sigterm")) {
            db.execute("CREATE TABLE t (id int PRIMARY KEY, note text)");
            Path stderr = Files.createTempFile("walferry-peek", ".stderr");
            Process peek = new ProcessBuilder(javaBinary(), "-jar", JAR.toString(), "peek", "--source", db.url())
                    .redirectError(stderr.toFile())
                    .start();
            try (BufferedReader stdout = new BufferedReader(
                    new InputStreamReader(peek.getInputStream(), StandardCharsets.UTF_8))) {
                db.awaitPeekSlot();
                db.execute("INSERT INTO t VALUES (1, 'é')");

                assertThat(CommandRun.parse(stdout.readLine()).get("op").asText()).isEqualTo("begin");
                assertThat(CommandRun.parse(stdout.readLine()).get("op").asText()).isEqualTo("relation");
                assertThat(CommandRun.parse(stdout.readLine()).get("new").get("note").asText()).isEqualTo("é");
                assertThat(db.peekPublications()).isOne();

                peek.destroy();
                assertThat(peek.waitFor(60, TimeUnit.SECONDS)).as("peek exits on SIGTERM").isTrue();
            } finally {
                peek.destroyForcibly();
            }

            assertThat(peek.exitValue()).as(Files.readString(stderr)).isEqualTo(128 + 15);
            assertThat(Files.readString(stderr)).contains("stopped (stop requested)");
            db.assertNoLeftovers();
            Files.delete(stderr);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
