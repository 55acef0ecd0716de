package io.walferry.cli;

import io.walferry.engine.peek.PeekOptions;
import io.walferry.engine.peek.PeekSession;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code walferry peek}: prints the source's logical replication stream as JSON lines, from a
 * temporary slot, leaving nothing behind. Ctrl-C (SIGINT) and SIGTERM stop it through a shutdown
 * hook that waits for the cleanup.
 */
@Command(name = "peek", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Print every pgoutput message the source sends as one JSON object per line on standard"
                + " output, from a temporary replication slot (and a temporary publication, unless --publication"
                + " names one). Nothing is left on the source when peek stops: at --limit, on Ctrl-C or SIGTERM,"
                + " or on an error.",
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage, 3 cannot connect, 4 source not ready,"
                + " 5 protocol error. See docs/peek.md."})
final class PeekCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PeekCommand.class);
    /** How long a shutdown hook waits for the slot and publication to be dropped. */
    private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(20);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ConfigOption config;

    @Mixin
    SourceOption source;

    @Option(names = "--publication", paramLabel = "NAME",
            description = "Stream this existing publication instead of creating a temporary one.")
    String publication;

    @Option(names = "--tables", paramLabel = "PATTERN", arity = "1..*", split = ",",
            description = {"Publish only the tables matching these schema.table globs (* and ?) in the temporary"
                    + " publication; a pattern without a dot means schema public. Default: FOR ALL TABLES."})
    List<String> tables = new ArrayList<>();

    @Option(names = "--proto-version", paramLabel = "N",
            description = "pgoutput protocol version, 1 to 4. Default: the highest the source supports"
                    + " (PostgreSQL 14: 2, 15: 3, 16 and later: 4).")
    Integer protoVersion;

    @Option(names = "--binary", description = "Ask for column values in binary format (shown as \\x hex).")
    boolean binary;

    @Option(names = "--limit", paramLabel = "N",
            description = "Stop after printing N messages, of any kind (begin, relation, insert, commit, ...).")
    Long limit;

    private final SourceEnvironment environment;

    PeekCommand() {
        this(SourceEnvironment.system());
    }

    PeekCommand(SourceEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        common.applyLogging();
        PeekSession session = new PeekSession(options(), spec.commandLine().getOut());
        Thread hook = new Thread(() -> stopAndAwait(session), "walferry-peek-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.run();
            return ExitCodes.OK;
        } finally {
            removeHook(hook);
        }
    }

    private PeekOptions options() {
        if (limit != null && limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit " + limit + " (expected: 1 or more)");
        }
        if (protoVersion != null && (protoVersion < 1 || protoVersion > 4)) {
            throw new ParameterException(spec.commandLine(), "--proto-version " + protoVersion
                    + " is not a pgoutput protocol version (expected: 1 to 4)");
        }
        if (publication != null && !tables.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--publication and --tables exclude each other:"
                    + " --tables chooses the tables of a temporary publication, --publication streams an existing one");
        }
        List<TablePattern> patterns = new ArrayList<>();
        for (String table : tables) {
            patterns.add(TablePattern.parse(table));
        }
        ConnectionSpec connection = source.resolve(spec, environment);
        return new PeekOptions(connection, publication, patterns, protoVersion, binary, limit == null ? 0 : limit,
                PeekOptions.DEFAULT_STATUS_INTERVAL_MS);
    }

    /** Runs in the shutdown hook: ask the session to stop, then wait until it has cleaned up. */
    private static void stopAndAwait(PeekSession session) {
        session.requestStop();
        try {
            if (!session.awaitFinished(CLEANUP_TIMEOUT)) {
                LOG.warn("peek did not finish its cleanup within {} s: check pg_replication_slots and"
                        + " pg_publication for {}", CLEANUP_TIMEOUT.toSeconds(), session.objectName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down (Ctrl-C): the hook is running and waits for this cleanup.
        }
    }
}
