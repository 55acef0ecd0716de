package io.walferry.cli;

import io.walferry.cli.config.ConfigLayers;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code walferry} command and the program's entry point. Run a subcommand; on its own the
 * command only explains itself. Build the command line with {@link #commandLine(String[])} (tests do
 * too), which installs the exit-code mapping and the configuration layers.
 */
@Command(name = "walferry", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = "Live PostgreSQL-to-PostgreSQL migration and logical replication over pgoutput.",
        footer = {"", "Run 'walferry COMMAND --help' for the options of a command."})
public final class Walferry implements Callable<Integer> {
    /**
     * The subcommands, in the order help lists them. They are added by {@link #commandLine} rather
     * than named in the annotation: picocli builds a command's whole model (every option, through
     * reflection, mostly in the interpreter) when it is added, so a run of one subcommand builds that
     * one only, unless a configuration file is named (its keys are checked against every command's
     * options). Measured: 0.26 s instead of 0.32 s from the JVM's start to a built command line for
     * {@code replicate}; picocli's own first use is most of what is left.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(CheckCommand.class, PeekCommand.class, ReplicateCommand.class,
            StatusCommand.class, CleanupCommand.class, BenchCommand.class, DemoCommand.class);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (expected: one of "
                + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    /**
     * The command line that runs {@code args}, with walferry's exception handling and the layers under
     * the options (environment variables and the configuration file that {@code args} or
     * {@code WALFERRY_CONFIG} name, read now: picocli asks for defaults while it parses); output to
     * this process's stdout and stderr.
     */
    public static CommandLine commandLine(String[] args) {
        return commandLine(CommandLine.defaultFactory(), System.getenv(), args);
    }

    /** The command line for arguments without {@code --config}. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** The same, with subcommands made by {@code factory} (tests pass commands their own environment). */
    static CommandLine commandLine(CommandLine.IFactory factory) {
        return commandLine(factory, System.getenv(), new String[0]);
    }

    /** The same, with the layers reading {@code environment} (tests pass their own). */
    static CommandLine commandLine(CommandLine.IFactory factory, Map<String, String> environment, String[] args) {
        CommandLine commandLine = new CommandLine(new Walferry(), factory);
        // A configuration file's keys are checked against every command's options (one file serves all).
        Class<?> named = args.length > 0 && ConfigLayers.configName(args, environment) == null
                ? subcommandNamed(args[0]) : null;
        for (Class<?> subcommand : SUBCOMMANDS) {
            if (named == null || named == subcommand) {
                commandLine.addSubcommand(new CommandLine(subcommand, factory));
            }
        }
        ExitCodeMapper mapper = new ExitCodeMapper();
        commandLine.setExecutionExceptionHandler(mapper)
                .setParameterExceptionHandler(mapper)
                .setOut(utf8Writer(new FileOutputStream(FileDescriptor.out)))
                .setErr(utf8Writer(new FileOutputStream(FileDescriptor.err)));
        ConfigLayers.install(commandLine, environment, args);
        return commandLine;
    }

    /**
     * The subcommand whose name {@code word} is, or null (an option, a misspelt name: then every
     * subcommand is built, for help and for picocli's suggestions).
     */
    private static Class<?> subcommandNamed(String word) {
        for (Class<?> subcommand : SUBCOMMANDS) {
            if (subcommand.getAnnotation(Command.class).name().equals(word)) {
                return subcommand;
            }
        }
        return null;
    }

    /** JSON is UTF-8 whatever the platform's default charset (Java 17 may default to ASCII without a locale). */
    private static PrintWriter utf8Writer(FileOutputStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    public static void main(String[] args) {
        CommandLine commandLine = commandLine(args);
        int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }
}
