package io.walferry.cli;

import io.walferry.cli.bench.BenchReport;
import io.walferry.cli.bench.BenchTables;
import io.walferry.cli.bench.NativeSubscription;
import io.walferry.cli.bench.PgbenchProgram;
import io.walferry.cli.bench.PgbenchWorkload;
import io.walferry.cli.bench.Workload;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.load.LoadState;
import io.walferry.applier.session.ProgressTable;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ServerInfo;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceEnvironment;
import io.walferry.engine.source.SourceErrors;
import io.walferry.engine.load.TargetFailures;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code walferry bench}: how fast changes flow from this source to this target through walferry,
 * and, with {@code --compare-native}, through PostgreSQL's own subscription on the same backlog.
 * Creates tables of its own (schema {@value BenchTables#SCHEMA}) on both servers, writes a workload
 * to the source with its own generator or with pgbench ({@code --generator}), replicates it with
 * walferry's pipeline in this process (a pipeline of its own, {@code --pipeline}, default
 * {@code bench}), checks that the target equals the source, and removes everything it created. {@link BenchRun} runs the measurement; this class
 * checks the options and that nothing of the bench's exists yet on either server, and prints.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Measure replication throughput and lag from the source to the target, and optionally compare"
                + " them with PostgreSQL's own subscription on the same backlog. Creates schema walferry_bench (an"
                + " accounts table of --accounts rows and a history table, filled alike on both servers), writes a"
                + " workload to the source (with its own generator, or with pgbench: --generator), replicates it with"
                + " walferry in this process (pipeline --pipeline: slot and publication walferry_<pipeline>), checks"
                + " that every row of the target equals the source's, and removes all it created. It refuses to start"
                + " when any of those objects exists.",
                "",
                "Live (--duration): walferry streams while the workload writes. Lag: every 10 ms the bench reads the"
                + " source's WAL insert position; a sample's lag is the time from just before that read until walferry's"
                + " applied position (the end of the last source transaction committed on the target, or the position"
                + " confirmed to the slot when nothing is left to apply) reaches it, checked every millisecond in this"
                + " process. It bounds from above the delay of every transaction committed before the sample. rows/s"
                + " and transactions/s count what walferry applied, from the workload's start until it had caught up.",
                "",
                "Backlog (--transactions N): the slot is created first, the workload writes N transactions with"
                + " replication stopped, then walferry drains them; drain time runs from the pipeline's start (connections"
                + " included) until everything up to the source's WAL insert position at the workload's end is durable"
                + " on the target. --compare-native then puts the target's tables back as they started and drains the"
                + " same WAL with a subscription (binary = true, streaming = on, copy_data = false) whose slot was"
                + " created before the workload, timed from the start of its apply worker (after ALTER SUBSCRIPTION"
                + " ENABLE; PostgreSQL's launcher may hold a worker back for wal_retrieve_retry_interval, which is"
                + " reported apart) until its slot's confirmed_flush_lsn reaches that position, and prints the"
                + " ratio walferry / native."},
        footer = {"", "Exit codes: 0 measured (or stopped with Ctrl-C), 1 internal error, 2 usage (pgbench of --generator"
                + " pgbench included), 3 cannot connect (pgbench too), 4 the source is not ready, already holds an object"
                + " of the bench, or pgbench failed writing to it, 5 protocol error, 6 the target refused a change, already"
                + " holds an object of the bench, or differs from the source afterwards."})
final class BenchCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final int MAX_CLIENTS = 64;
    private static final String BUILTIN = "builtin";
    private static final String PGBENCH = "pgbench";

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SourceOption source;

    @Mixin
    TargetOption target;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "oltp",
            description = "oltp (default): like pgbench -N, per transaction an UPDATE of a random account and an"
                    + " INSERT into the history; bulk-update: per transaction one UPDATE of every account;"
                    + " inserts: per transaction one INSERT of " + BenchTables.ROWS_PER_INSERT + " history rows.")
    String workload;

    @Option(names = "--generator", paramLabel = "NAME", defaultValue = BUILTIN,
            description = "What writes the workload: builtin (default): walferry's own generator, over JDBC from this"
                    + " process; pgbench: PostgreSQL's pgbench program (--pgbench, else pgbench on the PATH) with a"
                    + " script of the same transaction on the bench's tables: pgbench -n -M prepared -f SCRIPT -c"
                    + " --clients -j THREADS (one per client, at most one per processor), -t --transactions/--clients or"
                    + " -T --duration (whole seconds), -R --rate; it connects with the --source settings, given in its"
                    + " environment (the password as PGPASSWORD, never on its command line). Never chosen by itself: the"
                    + " same command line measures the same generator on every machine.")
    String generator;

    @Option(names = "--pgbench", paramLabel = "PATH",
            description = "The pgbench program of --generator pgbench (default: pgbench on the PATH).")
    String pgbenchPath;

    @Option(names = "--duration", paramLabel = "TIME",
            description = "Live run: write for this long while walferry streams (e.g. 500ms, 30s, 2m; a bare number"
                    + " is seconds). The default, 60s, unless --transactions is given.")
    String duration;

    @Option(names = "--transactions", paramLabel = "N",
            description = "Backlog run: write N transactions with replication stopped, then time the drain.")
    Long transactions;

    @Option(names = "--accounts", paramLabel = "ROWS", defaultValue = "100000",
            description = "Rows of the accounts table (default: ${DEFAULT-VALUE}, pgbench's scale 1; scale 20 is"
                    + " 2000000).")
    long accounts;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1",
            description = "Workload connections writing at once (default: ${DEFAULT-VALUE}; bulk-update takes 1).")
    int clients;

    @Option(names = "--rate", paramLabel = "TPS",
            description = "Live run: write at most this many transactions per second, over all clients (default:"
                    + " as fast as the clients go).")
    Double rate;

    @Option(names = "--compare-native", description = "Backlog run: drain the same backlog with a PostgreSQL"
            + " subscription too (CREATE SUBSCRIPTION on the target: a superuser, or pg_create_subscription on"
            + " PostgreSQL 16+) and print the ratio walferry / native.")
    boolean compareNative;

    @Option(names = "--native-conninfo", paramLabel = "CONNINFO",
            description = "How the target server reaches the source, for the subscription's CONNECTION (default:"
                    + " the --source host, port, database, user and password, which the subscription stores).")
    String nativeConninfo;

    @Option(names = "--apply-mode", paramLabel = "MODE", defaultValue = "batched",
            description = "walferry's apply mode, as replicate's: batched (default) or transactional.")
    String applyMode;

    @Option(names = "--apply-lanes", paramLabel = "N",
            description = "Lanes of --apply-mode batched (default: as replicate's).")
    Integer applyLanes;

    @Option(names = "--pipeline", paramLabel = "NAME", defaultValue = "bench",
            description = "Name of the bench's pipeline: its slot and publication are walferry_<NAME>, the"
                    + " subscription's walferry_<NAME>_native (default: ${DEFAULT-VALUE}).")
    String pipeline;

    @Option(names = "--keep-tables", description = "Leave schema walferry_bench on both servers at the end, for a look"
            + " at the rows (the slots, publications, subscription and pipeline state are removed all the same).")
    boolean keepTables;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    boolean json;

    private final SourceEnvironment environment;

    BenchCommand() {
        this(SourceEnvironment.system());
    }

    BenchCommand(SourceEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        common.applyLogging();
        BenchRun.Settings settings = settings();
        ConnectionSpec sourceSpec = source.resolve(spec, environment);
        ConnectionSpec targetSpec = target.resolve(spec, environment);
        PipelineConfig config = PipelineConfig.of(sourceSpec).withPipelineName(pipeline)
                .withTables(List.of(TablePattern.parse(BenchTables.SCHEMA + ".*")), List.of());
        NativeSubscription subscription = new NativeSubscription(config.objectName() + "_native");
        // The pipeline's INFO lines would bury the bench's own progress lines.
        Runnable restoreLogs = common.verbose ? () -> { }
                : CommonOptions.quietLogs(BenchRun.class.getName(), PgbenchWorkload.class.getName());
        try (Connection sourceSql = new SourceConnector(sourceSpec).openSql();
             Connection targetSql = connectTarget(targetSpec)) {
            ServerInfo sourceInfo = ServerInfo.read(sourceSql, sourceSpec);
            sourceInfo.requireLogicalReplication(sourceSpec);
            String targetVersion = targetVersion(targetSql, targetSpec);
            refuseExisting(sourceSql, targetSql, sourceSpec, targetSpec, config, subscription);
            BenchObjects objects = new BenchObjects(sourceSpec, targetSpec, config, subscription);
            BenchRun run = new BenchRun(settings, config, sourceSpec, targetSpec, subscription, objects);
            StopSignals.install(run::requestStop);
            BenchReport report = run.run(sourceSql, targetSql, sourceSpec.describe() + ", PostgreSQL "
                    + sourceInfo.version(), targetSpec.describe() + ", PostgreSQL " + targetVersion);
            return print(report, objects);
        } finally {
            restoreLogs.run();
        }
    }

    private int print(BenchReport report, BenchObjects objects) {
        PrintWriter out = spec.commandLine().getOut();
        if (report == null) {
            out.println("walferry bench: stopped on request before the end, nothing measured; removed: "
                    + (objects.removed().isEmpty() ? "nothing" : String.join("; ", objects.removed()))
                    + (objects.leftBehind().isEmpty() ? "" : "; LEFT BEHIND: " + String.join("; ", objects.leftBehind())));
            out.flush();
            return ExitCodes.OK;
        }
        if (json) {
            report.writeJson(out);
        } else {
            report.writeText(out);
        }
        if (!report.targetsEqual()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("walferry bench: the target differs from the source after the drain (see the table): this is"
                    + " a bug, please report it");
            err.flush();
            return ExitCodes.TARGET_ERROR;
        }
        return ExitCodes.OK;
    }

    /** The options, checked against each other. */
    private BenchRun.Settings settings() {
        Workload kind = Workload.parse(workload);
        if (kind == null) {
            throw usage("--workload " + workload + " is not a workload (expected: oltp, bulk-update or inserts)");
        }
        if (transactions != null && duration != null) {
            throw usage("--duration and --transactions exclude each other: --duration TIME replicates live while the"
                    + " workload writes, --transactions N writes a backlog first and then times its drain");
        }
        if (transactions != null && transactions < 1) {
            throw usage("--transactions " + transactions + " (expected: 1 or more)");
        }
        long durationNanos = transactions != null ? 0 : parseDuration(duration == null ? "60s" : duration);
        if (accounts < 1 || accounts > Integer.MAX_VALUE) {
            throw usage("--accounts " + accounts + " (expected: 1 to " + Integer.MAX_VALUE + ")");
        }
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw usage("--clients " + clients + " (expected: 1 to " + MAX_CLIENTS + ")");
        }
        if (kind == Workload.BULK_UPDATE && clients > 1) {
            throw usage("--workload bulk-update takes one client: each transaction updates every account, so a"
                    + " second client would only wait for the first one's row locks");
        }
        if (rate != null && (transactions != null || rate <= 0)) {
            throw usage(transactions != null ? "--rate applies to live runs (--duration): a backlog is written as"
                    + " fast as the clients go" : "--rate " + rate + " (expected: more than 0)");
        }
        if (compareNative && transactions == null) {
            throw usage("--compare-native needs a backlog to drain twice: give --transactions N instead of --duration");
        }
        if (nativeConninfo != null && !compareNative) {
            throw usage("--native-conninfo applies to --compare-native only");
        }
        if (applyLanes != null && !applyMode.equals(ApplyMode.BATCHED)) {
            throw usage("--apply-lanes applies to --apply-mode batched only: transactional applies on one lane");
        }
        int lanes = applyMode.equals(ApplyMode.BATCHED) ? (applyLanes == null ? ApplyMode.defaults().lanes() : applyLanes) : 0;
        try {
            new ApplyMode(applyMode, lanes == 0 ? 1 : lanes);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return new BenchRun.Settings(kind, accounts, clients, transactions == null ? 0 : transactions, durationNanos,
                rate == null ? 0 : rate, compareNative, nativeConninfo, applyMode, lanes, keepTables,
                pgbench(durationNanos));
    }

    /**
     * The pgbench program of {@code --generator pgbench}, checked before anything is created, or null
     * for the builtin generator; refuses what pgbench's options cannot express.
     */
    private PgbenchProgram pgbench(long durationNanos) {
        if (!generator.equals(BUILTIN) && !generator.equals(PGBENCH)) {
            throw usage("--generator " + generator + " is not a generator (expected: builtin or pgbench)");
        }
        if (generator.equals(BUILTIN)) {
            if (pgbenchPath != null) {
                throw usage("--pgbench applies to --generator pgbench only");
            }
            return null;
        }
        if (transactions != null && transactions % clients != 0) {
            long fewer = transactions / clients * clients;
            throw usage("--transactions " + transactions + " with --clients " + clients + ": pgbench gives every client"
                    + " the same number of transactions (-t), so give a multiple of " + clients + " (such as "
                    + (fewer == 0 ? clients : fewer) + " or " + (fewer + clients) + "), or use --generator builtin");
        }
        if (transactions == null && durationNanos % 1_000_000_000L != 0) {
            throw usage("--duration " + duration + " with --generator pgbench: pgbench's -T takes whole seconds, so give"
                    + " --duration in whole seconds (such as " + Math.max(1, Math.round(durationNanos / 1e9)) + "s), or"
                    + " use --generator builtin");
        }
        try {
            return PgbenchProgram.locate(pgbenchPath, environment.variable("PATH"));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private long parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.strip());
        if (!matcher.matches()) {
            throw usage("--duration " + text + " is not a duration (expected: a number with an optional unit ms, s,"
                    + " m or h, e.g. 30s)");
        }
        double value = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        double nanos = value * switch (unit) {
            case "ms" -> 1e6;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> 1e9;
        };
        if (nanos < 1e6) {
            throw usage("--duration " + text + " (expected: 1ms or more)");
        }
        return Math.round(nanos);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static Connection connectTarget(ConnectionSpec targetSpec) {
        try {
            return DriverManager.getConnection(targetSpec.jdbcUrl(), targetSpec.jdbcProperties());
        } catch (SQLException e) {
            throw SourceErrors.connectFailed(e, targetSpec, "target");
        }
    }

    private static String targetVersion(Connection targetSql, ConnectionSpec targetSpec) {
        try (PreparedStatement query = targetSql.prepareStatement("SELECT current_setting('server_version')");
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getString(1);
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "reading the version of the target " + targetSpec.describe());
        }
    }

    /**
     * Refuses to start when an object the bench would create exists already on either server: it
     * is someone else's (or a killed bench's), and the bench removes only what it created.
     */
    private void refuseExisting(Connection sourceSql, Connection targetSql, ConnectionSpec sourceSpec,
                                ConnectionSpec targetSpec, PipelineConfig config, NativeSubscription subscription) {
        try {
            refuseSchema(BenchTables.existing(sourceSql), "source", sourceSpec, Failure.SOURCE_NOT_READY);
            refuseSchema(BenchTables.existing(targetSql), "target", targetSpec, Failure.TARGET_NOT_READY);
            String cleanup = "if an earlier bench that was stopped before its end left it, remove it with walferry cleanup"
                    + " --source ... --target ... --pipeline " + config.pipelineName() + " --yes; else choose another"
                    + " --pipeline name";
            if (exists(sourceSql, "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?", config.slotName())
                    || exists(sourceSql, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?",
                            config.publicationName())) {
                throw new EngineException(Failure.SOURCE_NOT_READY, "replication slot or publication "
                        + config.objectName() + " exists on the source " + sourceSpec.describe() + ": the bench runs a"
                        + " pipeline of its own, \"" + config.pipelineName() + "\", and will not use or remove a"
                        + " replicate pipeline of that name; " + cleanup);
            }
            if (hasPipelineState(targetSql, config.pipelineName())) {
                throw new EngineException(Failure.TARGET_NOT_READY, "pipeline \"" + config.pipelineName() + "\" has"
                        + " state in schema walferry on the target " + targetSpec.describe() + ": the bench runs a"
                        + " pipeline of its own and will not use or remove another; " + cleanup);
            }
            if (compareNative) {
                String found = subscription.existingOnSource(sourceSql);
                if (found != null) {
                    throw new EngineException(Failure.SOURCE_NOT_READY, found + " exists on the source "
                            + sourceSpec.describe() + ", and --compare-native creates one of that name: drop it if an"
                            + " earlier bench left it (DROP PUBLICATION " + subscription.name() + ", SELECT"
                            + " pg_drop_replication_slot('" + subscription.name() + "')), or choose another --pipeline");
                }
                if (subscription.existsOnTarget(targetSql)) {
                    throw new EngineException(Failure.TARGET_NOT_READY, "subscription " + subscription.name()
                            + " exists on the target " + targetSpec.describe() + ", and --compare-native creates one of"
                            + " that name: drop it if an earlier bench left it (ALTER SUBSCRIPTION " + subscription.name()
                            + " DISABLE; ALTER SUBSCRIPTION " + subscription.name() + " SET (slot_name = NONE); DROP"
                            + " SUBSCRIPTION " + subscription.name() + "), or choose another --pipeline");
                }
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "looking for the bench's objects on both servers", null);
        }
    }

    private static void refuseSchema(BenchTables.Existing existing, String role, ConnectionSpec server, Failure failure) {
        if (existing == null) {
            return;
        }
        throw new EngineException(failure, "schema " + BenchTables.SCHEMA + " already exists on the " + role + " "
                + server.describe() + (existing.relations() == null ? " (empty)" : " (holding " + existing.relations() + ")")
                + ": walferry bench creates its tables in a schema of its own and drops it at the end, so that it never"
                + " touches other tables, and it will not use or drop one it did not create. "
                + (existing.isLeftover()
                        ? "Its comment says an earlier bench created it, which was stopped before its end: drop it"
                                + " (DROP SCHEMA " + BenchTables.SCHEMA + " CASCADE) and run the bench again"
                        : "Rename that schema, or run the bench against another database"));
    }

    private static boolean hasPipelineState(Connection targetSql, String pipelineName) throws SQLException {
        if (LoadState.read(targetSql, pipelineName) != null) {
            return true;
        }
        if (!exists(targetSql, "SELECT 1 WHERE to_regclass(?) IS NOT NULL", ProgressTable.TABLE)) {
            return false;
        }
        return exists(targetSql, "SELECT 1 FROM " + ProgressTable.TABLE + " WHERE pipeline = ?", pipelineName);
    }

    private static boolean exists(Connection sql, String query, String parameter) throws SQLException {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            statement.setString(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

}
