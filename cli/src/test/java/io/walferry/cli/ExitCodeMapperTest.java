package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.decoder.DecodeException;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class ExitCodeMapperTest {
    @Test
    void shouldMapEveryFailureKindToItsExitCode() {
        assertThat(ExitCodeMapper.exitCode(new EngineException(Failure.INVALID_INPUT, "x"))).isEqualTo(2);
        assertThat(ExitCodeMapper.exitCode(new EngineException(Failure.CANNOT_CONNECT, "x"))).isEqualTo(3);
        assertThat(ExitCodeMapper.exitCode(new EngineException(Failure.SOURCE_NOT_READY, "x"))).isEqualTo(4);
        assertThat(ExitCodeMapper.exitCode(new EngineException(Failure.PROTOCOL, "x"))).isEqualTo(5);
        assertThat(ExitCodeMapper.exitCode(new EngineException(Failure.TARGET_NOT_READY, "x"))).isEqualTo(6);
        assertThat(ExitCodeMapper.exitCode(new EngineException(Failure.SLOT_LIMIT, "x"))).isEqualTo(8);
        for (Failure failure : Failure.values()) {
            assertThat(ExitCodeMapper.exitCode(new EngineException(failure, "x"))).as(failure.name())
                    .isNotEqualTo(ExitCodes.INTERNAL_ERROR);
        }
    }

    @Test
    void shouldMapDecodeErrorsToProtocolAndAnythingElseToInternal() {
        assertThat(ExitCodeMapper.exitCode(new DecodeException(null, 0, "x"))).isEqualTo(ExitCodes.PROTOCOL_ERROR);
        assertThat(ExitCodeMapper.exitCode(new IllegalStateException("bug"))).isEqualTo(ExitCodes.INTERNAL_ERROR);
        assertThat(ExitCodeMapper.exitCode(new UncheckedIOException(new java.io.IOException("x"))))
                .isEqualTo(ExitCodes.INTERNAL_ERROR);
    }

    @Test
    void shouldReportAnEmptyTablePatternAsAUsageError() {
        CommandRun run = CommandRun.run("peek", "--source", "host=h", "--tables", "");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr()).startsWith("walferry peek: --tables pattern \"\" has an empty schema or table part");
    }

    @Test
    void shouldCallAnInternalErrorABugAndPointToVerbose() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Walferry.commandLine().setErr(new PrintWriter(err, true));
        ParseResult parsed = commandLine.parseArgs("peek");
        CommandLine peek = commandLine.getSubcommands().get("peek");

        int code = new ExitCodeMapper().handleExecutionException(new IllegalStateException("boom"), peek, parsed);

        assertThat(code).isEqualTo(ExitCodes.INTERNAL_ERROR);
        assertThat(err.toString()).startsWith("walferry peek: internal error: java.lang.IllegalStateException: boom.")
                .contains("bug in walferry").contains("--verbose").doesNotContain("\tat ");
    }

    @Test
    void shouldFallBackToDevVersionOutsideTheJar() {
        assertThat(VersionProvider.version()).isEqualTo("dev");
    }
}
