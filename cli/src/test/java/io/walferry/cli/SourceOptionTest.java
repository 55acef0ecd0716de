package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.engine.source.SourceEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SourceOptionTest {
    private final StringWriter err = new StringWriter();

    private int runPeek(Map<String, String> environment, String... args) {
        SourceEnvironment source = new SourceEnvironment(environment, Path.of("/nonexistent"), "osuser");
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == PeekCommand.class ? type.cast(new PeekCommand(source)) : CommandLine.defaultFactory().create(type);
            }
        };
        CommandLine commandLine = Walferry.commandLine(factory)
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "peek";
        System.arraycopy(args, 0, all, 1, args.length);
        return commandLine.execute(all);
    }

    @Test
    void shouldTakeTheSourceFromWalferrySourceWhenNoOptionIsGiven() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        int code = runPeek(Map.of("WALFERRY_SOURCE", "postgresql://envuser:EnvSecret@127.0.0.1:" + closedPort + "/envdb"));

        assertThat(code).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(err.toString()).contains("127.0.0.1:" + closedPort).contains("database \"envdb\"")
                .doesNotContain("EnvSecret");
    }

    @Test
    void shouldPreferTheOptionOverWalferrySource() {
        int code = runPeek(Map.of("WALFERRY_SOURCE", "postgresql://h/d"), "--source", "nonsense");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("not a connection string");
    }

    @Test
    void shouldAskForASourceWhenThereIsNone() {
        int code = runPeek(Map.of());

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("walferry peek: no source given: pass --source URL, set WALFERRY_SOURCE, or put source: in the --config file");
    }
}
