package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code walferry demo}: the README's first command, a whole live migration between the two
 * embedded servers it starts from the binaries bundled in the jar.
 */
class DemoCommandIT {
    private static final Pattern SERVERS = Pattern.compile(
            "source on localhost:(\\d+), target on localhost:(\\d+) \\(data in (\\S+) and (\\S+)\\)");

    @Test
    void shouldMoveTheLiveShopVerifyThatTheTargetEqualsTheSourceAndLeaveNothingRunning() throws Exception {
        CommandRun run = CommandRun.run("demo", "--seconds", "3", "--rate", "100");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String out = run.stdout();
        assertThat(number(out, "load +([\\d,]+) rows in 3 tables")).as(out).isPositive();
        assertThat(number(out, "streamed +([\\d,]+) transactions")).as(out).isPositive();
        assertThat(number(out, "streamed +[\\d,]+ transactions, ([\\d,]+) changes")).as(out).isPositive();
        assertThat(number(out, "verified +target equals source: 3 tables, ([\\d,]+) rows compared row by row"))
                .as(out).isPositive();
        assertThat(out).contains("cleaned up both servers stopped, data directories deleted");

        Matcher servers = SERVERS.matcher(out);
        assertThat(servers.find()).as(out).isTrue();
        for (int port : new int[] {Integer.parseInt(servers.group(1)), Integer.parseInt(servers.group(2))}) {
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .as("port %d", port).isInstanceOf(ConnectException.class);
        }
        for (String dataDirectory : new String[] {servers.group(3), servers.group(4)}) {
            assertThat(Path.of(dataDirectory)).doesNotExist();
            assertThat(ProcessHandle.allProcesses()
                    .filter(process -> process.info().commandLine().orElse("").contains(dataDirectory)))
                    .as("processes using %s", dataDirectory).isEmpty();
        }
    }

    @Test
    void shouldRefuseANonPositiveDuration() {
        CommandRun run = CommandRun.run("demo", "--seconds", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr()).contains("walferry demo: --seconds 0 --rate 500 (expected: both 1 or more)");
    }

    private static long number(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("/%s/ in:%n%s", regex, text).isTrue();
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }
}
