package io.walferry.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code walferry} command and the program's entry point. Run a subcommand; on its own the
 * command only explains itself. Build the command line with {@link #commandLine()} (tests do too),
 * which installs the exit-code mapping.
 */
@Command(name = "walferry", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = "Live PostgreSQL-to-PostgreSQL migration and logical replication over pgoutput.",
        subcommands = {CheckCommand.class, PeekCommand.class, ReplicateCommand.class, StatusCommand.class,
                CleanupCommand.class, BenchCommand.class, DemoCommand.class},
        footer = {"", "Run 'walferry COMMAND --help' for the options of a command."})
public final class Walferry implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (expected: one of "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    /** The command line with walferry's exception handling; output to this process's stdout and stderr. */
    public static CommandLine commandLine() {
        return commandLine(CommandLine.defaultFactory());
    }

    /** The same, with subcommands made by {@code factory} (tests pass commands their own environment). */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        ExitCodeMapper mapper = new ExitCodeMapper();
        return new CommandLine(new Walferry(), factory)
                .setExecutionExceptionHandler(mapper)
                .setParameterExceptionHandler(mapper)
                .setOut(utf8Writer(new FileOutputStream(FileDescriptor.out)))
                .setErr(utf8Writer(new FileOutputStream(FileDescriptor.err)));
    }

    /** JSON is UTF-8 whatever the platform's default charset (Java 17 may default to ASCII without a locale). */
    private static PrintWriter utf8Writer(FileOutputStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }
}
