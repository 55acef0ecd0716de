package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.cli.config.ConfigLayers;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The layers under the command line: flag, then environment variable, then {@code --config} file,
 * then built-in default; and a file that cannot be used, exit 2 with the file and the line.
 */
class ConfigurationTest {
    /** Nothing listens on port 1: a command that gets past its options fails to connect (exit 3) at once. */
    private static final String NOWHERE = "postgresql://app@127.0.0.1:1/shop";

    @TempDir
    Path directory;

    @Test
    void shouldTakeTheFlagOverTheEnvironmentOverTheFileOverTheDefault() throws IOException {
        Path file = config("jobs: 3", "max-slot-wal: 1GB", "pipeline: from_file");
        Map<String, String> environment = Map.of("WALFERRY_JOBS", "4", "WALFERRY_MAX_SLOT_WAL", "2GB");

        assertThat(replicateOption(Map.of(), "--jobs")).as("built-in default").isEqualTo(2);
        assertThat(replicateOption(Map.of(), "--jobs", "--config", file.toString())).as("file").isEqualTo(3);
        assertThat(replicateOption(environment, "--jobs", "--config", file.toString())).as("environment").isEqualTo(4);
        assertThat(replicateOption(environment, "--jobs", "--config", file.toString(), "--jobs", "5")).as("flag")
                .isEqualTo(5);
        assertThat(replicateOption(environment, "--max-slot-wal", "--config=" + file, "--max-slot-wal", "3GB"))
                .isEqualTo("3GB");
        assertThat(replicateOption(environment, "--pipeline", "--config", file.toString())).isEqualTo("from_file");
        assertThat(replicateOption(Map.of("WALFERRY_CONFIG", file.toString()), "--jobs")).as("file named by WALFERRY_CONFIG")
                .isEqualTo(3);
    }

    @Test
    void shouldReadAnOptionFromItsEnvironmentVariableWithoutAFile() {
        Map<String, String> environment = Map.of("WALFERRY_MAX_SLOT_WAL", "10GB", "WALFERRY_ON_SLOT_LIMIT", "stop",
                "WALFERRY_RECEIVE_TIMEOUT", "2.5", "WALFERRY_SOURCE", NOWHERE);

        assertThat(replicateOption(environment, "--max-slot-wal")).isEqualTo("10GB");
        assertThat(replicateOption(environment, "--on-slot-limit")).isEqualTo("stop");
        assertThat(replicateOption(environment, "--receive-timeout")).isEqualTo(2.5);
        assertThat(replicateOption(environment, "--source")).isEqualTo(NOWHERE);
        assertThat(replicateOption(Map.of("WALFERRY_JOBS", ""), "--jobs")).as("empty means unset").isEqualTo(2);
    }

    @Test
    void shouldTakeListsFromAYamlListACommaSeparatedValueOrTheCommandLine() throws IOException {
        Path list = config("tables: [app.*, billing.invoices]", "exclude:", "  - app.audit_log", "  - app.tmp_*");
        Path commas = config("tables: app.*,billing.invoices");

        assertThat(replicateOption(Map.of(), "--tables", "--config", list.toString()))
                .isEqualTo(List.of("app.*", "billing.invoices"));
        assertThat(replicateOption(Map.of(), "--exclude", "--config", list.toString()))
                .isEqualTo(List.of("app.audit_log", "app.tmp_*"));
        assertThat(replicateOption(Map.of(), "--tables", "--config", commas.toString()))
                .isEqualTo(List.of("app.*", "billing.invoices"));
        assertThat(replicateOption(Map.of("WALFERRY_TABLES", "crm.*,app.users"), "--tables", "--config", list.toString()))
                .isEqualTo(List.of("crm.*", "app.users"));
        assertThat(replicateOption(Map.of(), "--tables", "--config", list.toString(), "--tables", "x.y"))
                .as("the command line replaces the file's list").isEqualTo(List.of("x.y"));
    }

    @Test
    void shouldApplySwitchesFromEachLayer() throws IOException {
        Path on = config("exit-when-caught-up: true", "json: yes");
        Path off = config("exit-when-caught-up: false");

        assertThat(replicateOption(Map.of(), "--exit-when-caught-up")).isEqualTo(false);
        assertThat(replicateOption(Map.of(), "--exit-when-caught-up", "--config", on.toString())).isEqualTo(true);
        assertThat(replicateOption(Map.of(), "--exit-when-caught-up", "--config", on.toString(), "--exit-when-caught-up"))
                .as("given on the command line too: still on").isEqualTo(true);
        assertThat(replicateOption(Map.of("WALFERRY_EXIT_WHEN_CAUGHT_UP", "FALSE"), "--exit-when-caught-up", "--config",
                on.toString())).as("the environment turns off what the file turns on").isEqualTo(false);
        assertThat(replicateOption(Map.of("WALFERRY_EXIT_WHEN_CAUGHT_UP", "true"), "--exit-when-caught-up", "--config",
                off.toString())).isEqualTo(true);
        assertThat(option("status", Map.of(), "--json", "--config", on.toString())).isEqualTo(true);
    }

    @Test
    void shouldKeepDollarBracesInValuesAsTheyAre() throws IOException {
        String url = "postgresql://app:pa${ss}word@127.0.0.1:1/shop";
        Path file = config("source: '" + url + "'");

        assertThat(replicateOption(Map.of(), "--source", "--config", file.toString())).isEqualTo(url);
        assertThat(replicateOption(Map.of("WALFERRY_SOURCE", url), "--source")).isEqualTo(url);
    }

    @Test
    void shouldRefuseAnUnknownKeyNamingTheKeyTheFileAndTheLine() throws IOException {
        Path file = config("# the shop's move", "pipeline: shop", "max-slot-wall: 10GB");

        Run run = execute(Map.of(), "status", "--config", file.toString(), "--target", NOWHERE);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("walferry status: config file " + file + ", line 3: unknown key"
                + " \"max-slot-wall\" (did you mean max-slot-wal?): the keys are the long options of walferry's"
                + " commands without their dashes (see docs/configuration.md)");
    }

    @Test
    void shouldRefuseMalformedYamlWithTheLine() throws IOException {
        Path file = config("pipeline: shop", "tables: [app.*", "jobs: 4");

        Run run = execute(Map.of(), "replicate", "--config", file.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("walferry replicate: config file " + file + " is not valid YAML: line 3,");
    }

    @Test
    void shouldRefuseValuesThatNoOptionTakes() throws IOException {
        assertUsage(config("jobs: [1, 2]"), "line 1: key \"jobs\" takes one value, not a list");
        assertUsage(config("json: maybe"), "line 1: key \"json\" takes true or false, not \"maybe\"");
        assertUsage(config("jobs:"), "line 1: key \"jobs\" has no value: give one, or remove the line");
        assertUsage(config("jobs: 2", "jobs: 3"), "line 2: key \"jobs\" is given twice (first on line 1): keep one");
        assertUsage(config("- jobs: 2"), "line 1: expected a mapping of option keys to values");
        assertUsage(config("yes: true"), "line 1: unknown key \"yes\"");
        assertUsage(directory.resolve("missing.yaml"), "does not exist");
    }

    @Test
    void shouldSayWhereABadValueCameFrom() throws IOException {
        Path file = config("jobs: 0", "receive-timeout: soon");

        Run conversion = execute(Map.of(), "replicate", "--config", file.toString(), "--source", NOWHERE, "--target", NOWHERE);
        assertThat(conversion.exitCode()).as(conversion.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(conversion.err()).contains("'soon' is not a double")
                .contains("(--receive-timeout came from key receive-timeout in config file " + file + " (line 2))");

        Run range = execute(Map.of("WALFERRY_RECEIVE_TIMEOUT", "30"), "replicate", "--config", file.toString(),
                "--source", NOWHERE, "--target", NOWHERE);
        assertThat(range.exitCode()).as(range.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(range.err()).contains("--jobs 0 is out of range")
                .contains("(--jobs came from key jobs in config file " + file + " (line 1))");

        Run fromEnvironment = execute(Map.of("WALFERRY_JSON", "yes"), "status", "--target", NOWHERE);
        assertThat(fromEnvironment.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(fromEnvironment.err()).startsWith("walferry status: --json takes true or false, and the environment"
                + " variable WALFERRY_JSON holds \"yes\"");
    }

    @Test
    void shouldWarnWhenOthersMayReadAFileThatHoldsAPassword() throws IOException {
        Path secret = config("target: postgresql://app:S3cret@127.0.0.1:1/shop");
        Path noSecret = config("target: " + NOWHERE);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(noSecret, PosixFilePermissions.fromString("rw-r--r--"));

        Run open = execute(Map.of(), "status", "--config", secret.toString());
        assertThat(open.exitCode()).as(open.err()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(open.err()).startsWith("walferry status: warning: config file " + secret + " holds a password (in"
                + " target) and other users may read it (rw-r--r--): run chmod 600 " + secret)
                .doesNotContain("S3cret");

        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        assertThat(execute(Map.of(), "status", "--config", secret.toString()).err()).doesNotContain("warning");
        assertThat(execute(Map.of(), "status", "--config", noSecret.toString()).err()).doesNotContain("warning");
    }

    @Test
    void shouldLeaveCommandsWithoutConfigAlone() throws IOException {
        Path file = config("seconds: 5");

        Run run = execute(Map.of(), "demo", "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("walferry demo: Unknown options: '--config'");
        assertThat(option("demo", Map.of("WALFERRY_SECONDS", "5"), "--seconds")).isEqualTo(30);
    }

    private void assertUsage(Path file, String fragment) {
        Run run = execute(Map.of(), "check", "--config", file.toString(), "--source", NOWHERE, "--target", NOWHERE);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).startsWith("walferry check: config file " + file).contains(fragment);
    }

    private Path config(String... lines) throws IOException {
        Path file = Files.createTempFile(directory, "walferry", ".yaml");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static Object replicateOption(Map<String, String> environment, String option, String... args) {
        return option("replicate", environment, option, args);
    }

    /** The value {@code command}'s {@code option} has once {@code args} are parsed, as when the command runs. */
    private static Object option(String command, Map<String, String> environment, String option, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(args));
        String[] arguments = all.toArray(new String[0]);
        CommandLine commandLine = Walferry.commandLine(CommandLine.defaultFactory(), environment, arguments);
        ParseResult parsed = commandLine.parseArgs(arguments).subcommand();
        ((ConfigLayers) commandLine.getDefaultValueProvider()).applySwitches(parsed);
        return parsed.commandSpec().findOption(option).getValue();
    }

    private record Run(int exitCode, String err) {
    }

    private static Run execute(Map<String, String> environment, String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Walferry.commandLine(CommandLine.defaultFactory(), environment, args)
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true));
        return new Run(commandLine.execute(args), err.toString());
    }
}
