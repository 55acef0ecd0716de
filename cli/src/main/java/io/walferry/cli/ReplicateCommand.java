package io.walferry.cli;

import io.walferry.decoder.Lsn;
import io.walferry.engine.load.LoadConfig;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.PipelineResult;
import io.walferry.engine.pipeline.SlotWalGuard;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceEnvironment;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code walferry replicate}: the replication daemon. Streams every change committed on the source
 * after its slot was created into the target, in the transactional apply mode, until stopped
 * (SIGINT/SIGTERM) or, with {@code --exit-when-caught-up}, until everything committed before it
 * started is applied. A new pipeline first gets the source's schema and rows ({@link LoadHandoff}:
 * schema copy and full load), unless {@code --schema existing --no-copy-data}.
 *
 * <p>Failures of the target that heal (connection lost, restart, deadlock) restart the pipeline
 * with backoff ({@link PipelineRunner}): the target's recorded progress and the source's slot make
 * the restart exact. Every failure once the options are checked, the healing ones too, is recorded
 * in the target for {@code walferry status} ({@link FailureLog}), when the target can be written.
 */
@Command(name = "replicate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Move a live database: on a new pipeline, copy the schema and every row from one snapshot"
                + " of the source (the snapshot of the logical slot walferry_<pipeline>), then stream every change"
                + " committed after it into the target, applying source transactions whole and in commit order,"
                + " exactly once across restarts. A stopped load resumes where it was.",
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage, 3 cannot connect, 4 source not ready,"
                + " 5 protocol error, 6 the target refused a change (missing table, diverged data), 8 the slot reached"
                + " --max-slot-wal with --on-slot-limit stop or drop. A --http port in use exits 2."})
final class ReplicateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicateCommand.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final long SLOT_CHECK_INTERVAL_MS = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ConfigOption config;

    @Mixin
    SourceOption source;

    @Mixin
    TargetOption target;

    @Option(names = "--pipeline", paramLabel = "NAME", defaultValue = PipelineConfig.DEFAULT_PIPELINE_NAME,
            description = "Pipeline name: names the slot and publication walferry_<NAME> and the progress on the"
                    + " target, so several pipelines can run against one source (default: ${DEFAULT-VALUE}).")
    String pipeline;

    @Mixin
    TableSelectionOption selection;

    @Option(names = "--schema", paramLabel = "MODE", defaultValue = "copy",
            description = "How the target's tables come about on a new pipeline: 'copy' (default) creates them with"
                    + " pg_dump when one can dump the source (views, functions, triggers, policies come along), else"
                    + " from the source's catalogs (keys, indexes and constraints after the data); 'existing' uses the"
                    + " target's tables, which must match the source's column by column.")
    String schema;

    @Option(names = "--pg-dump", paramLabel = "PATH",
            description = "The pg_dump for --schema copy (its version at least the source's), or 'none' for the"
                    + " built-in copy. Default: the first pg_dump on PATH or in /usr/lib/postgresql/N/bin (newest"
                    + " first) that can dump the source, when every table is selected; else the built-in copy.")
    String pgDump;

    @Option(names = "--no-copy-data", description = "Do not copy existing rows: stream only the changes committed"
            + " after the pipeline's slot is created (the target already holds the data).")
    boolean noCopyData;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2",
            description = "Parallel jobs of the full load: tables (and ranges of large tables) copied at once, and"
                    + " indexes built at once; each holds a connection to each side (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--split-tables-larger-than", paramLabel = "SIZE", defaultValue = "1GB",
            description = "Copy a table larger than this in page ranges of about this size, by parallel jobs"
                    + " (PostgreSQL 14+ sources); 0 never splits (default: ${DEFAULT-VALUE}: smaller tables are"
                    + " copied whole, which lets them be written frozen).")
    String splitSize;

    @Option(names = "--truncate-target", description = "Empty target tables that already hold rows before copying"
            + " into them (without it, such tables are refused).")
    boolean truncateTarget;

    @Option(names = "--apply-mode", paramLabel = "MODE", defaultValue = "batched",
            description = "batched (default): changes gathered in batches, coalesced to the net change per row and"
                    + " applied set-wise by --apply-lanes connections; the target is consistent whenever the lag is"
                    + " zero. transactional: source transactions applied whole, one at a time, in commit order"
                    + " (docs/batched-apply.md).")
    String applyMode;

    @Option(names = "--apply-lanes", paramLabel = "N",
            description = "Target connections of the batched mode, each applying the changes of its share of the rows"
                    + " (default: twice the machine's cores, between 4 and 16).")
    Integer applyLanes;

    @Option(names = "--exit-when-caught-up",
            description = "Exit 0 once every change committed on the source before the start is applied.")
    boolean exitWhenCaughtUp;

    @Option(names = "--receive-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Reconnect when nothing at all (no change, no keepalive) arrives from the source for this"
                    + " long (default: ${DEFAULT-VALUE}).")
    double receiveTimeoutSeconds;

    @Option(names = "--max-slot-wal", paramLabel = "SIZE",
            description = "Watch the WAL the pipeline's slot makes the source keep (checked at the start of streaming"
                    + " and every 10 s): over this size, warn loudly and act as --on-slot-limit says. Size it above"
                    + " the WAL the source writes during a full load. Default: not watched.")
    String maxSlotWal;

    @Option(names = "--on-slot-limit", paramLabel = "ACTION", defaultValue = "warn",
            description = "Over --max-slot-wal: 'warn' and go on (default); 'stop' replicating and keep the slot"
                    + " (exit 8); 'drop' the slot so the source cannot fill its disk, leaving the pipeline needing a"
                    + " new full load (exit 8).")
    String onSlotLimit;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Serve /metrics (Prometheus), /status and /health (JSON) on this address; a port alone"
                    + " listens on 127.0.0.1; 'off' serves nothing. Default: " + Monitoring.DEFAULT_ADDRESS
                    + " (when that port is taken, the run warns and goes on without it; a port given here that is"
                    + " taken is an error, exit 2).")
    String http;

    private final SourceEnvironment environment;

    ReplicateCommand() {
        this(SourceEnvironment.system());
    }

    ReplicateCommand(SourceEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        common.applyLogging();
        PipelineConfig config = config();
        ConnectionSpec targetSpec = target.resolve(spec, environment);
        LoadConfig load = load(config, targetSpec);
        SlotWalGuard guard = slotGuard(config);
        FailureLog failures = new FailureLog(targetSpec, config.pipelineName(), config.source());
        try (Monitoring monitoring = Monitoring.start(spec, http, config)) {
            return replicate(config.withMetrics(monitoring.metrics()), targetSpec, load, guard, failures);
        } catch (ParameterException e) {
            throw e; // an option to fix: nothing ran
        } catch (RuntimeException e) {
            failures.record(e, false);
            throw e;
        }
    }

    private Integer replicate(PipelineConfig config, ConnectionSpec targetSpec, LoadConfig load, SlotWalGuard guard,
                              FailureLog failures) throws InterruptedException {
        requireReachable(config.source(), "source");
        requireReachable(targetSpec, "target");
        LoadHandoff.Handoff handoff = new LoadHandoff(config, targetSpec, schema, pgDump).run(load);
        PipelineRunner runner = new PipelineRunner(config, targetSpec, handoff, applyMode());
        runner.onRestart(failure -> failures.record(failure, true));
        AtomicBoolean slotLimitReached = new AtomicBoolean();
        if (guard != null) {
            if (guard.overLimit() && guard.action() != SlotWalGuard.Action.WARN) {
                throw SlotLimit.reached(guard, config, targetSpec);
            }
            guard.start(() -> {
                slotLimitReached.set(true);
                runner.requestStop();
            });
        }
        // SIGINT/SIGTERM ask the pipeline to stop and call() returns 0; the hook still covers other
        // ways the JVM may be shut down (and signals, where they cannot be handled).
        StopSignals.install(runner::requestStop);
        Thread hook = new Thread(() -> runner.stopAndAwait(STOP_TIMEOUT), "walferry-replicate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            PipelineResult result = runner.run();
            if (slotLimitReached.get()) {
                throw SlotLimit.reached(guard, config, targetSpec);
            }
            LOG.info("stopped ({}): {} transactions and {} changes applied, confirmed LSN {}{}",
                    result.reason() == PipelineResult.StopReason.CAUGHT_UP ? "caught up" : "stop requested",
                    result.transactionsApplied(), result.changesApplied(), Lsn.format(result.confirmedLsn()),
                    result.reconnects() > 0 ? ", " + result.reconnects() + " source reconnects" : "");
            return ExitCodes.OK;
        } finally {
            if (guard != null) {
                guard.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook is waiting for this run to end.
            }
        }
    }

    private PipelineConfig config() {
        if (!schema.equals("existing") && !schema.equals("copy")) {
            throw new ParameterException(spec.commandLine(), "--schema " + schema + " is not a schema mode (expected:"
                    + " copy, or existing)");
        }
        if (pgDump != null && !schema.equals("copy")) {
            throw new ParameterException(spec.commandLine(), "--pg-dump " + pgDump + " applies to --schema copy only:"
                    + " leave it out with --schema " + schema);
        }
        applyMode();
        List<TablePattern> include = selection.include();
        List<TablePattern> excluded = selection.excluded();
        return PipelineConfig.of(source.resolve(spec, environment))
                .withPipelineName(pipeline)
                .withTables(include, excluded)
                .withExitWhenCaughtUp(exitWhenCaughtUp)
                .withReceiveTimeoutMs(Math.round(receiveTimeoutSeconds * 1000));
    }

    /** The apply mode of {@code --apply-mode} and {@code --apply-lanes}. */
    private ApplyMode applyMode() {
        if (applyLanes != null && !applyMode.equals(ApplyMode.BATCHED)) {
            throw new ParameterException(spec.commandLine(), "--apply-lanes applies to --apply-mode batched only: leave"
                    + " it out with --apply-mode " + applyMode);
        }
        try {
            return new ApplyMode(applyMode, applyLanes == null ? ApplyMode.defaults().lanes() : applyLanes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The full load's settings, or {@code null} when there is nothing to load ({@code --schema existing --no-copy-data}). */
    private LoadConfig load(PipelineConfig config, ConnectionSpec targetSpec) {
        if (schema.equals("existing") && noCopyData) {
            return null;
        }
        return LoadHandoff.loadConfig(config, targetSpec, jobs, SizeOption.parse(spec, "--split-tables-larger-than",
                splitSize), truncateTarget, !noCopyData);
    }

    /**
     * Connects once to {@code server} and lets go: a server that cannot be reached, a wrong password
     * or a missing database is reported before anything else happens, source first, in the same words
     * for both sides, with exit 3.
     */
    private static void requireReachable(ConnectionSpec server, String role) {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), server.jdbcProperties())) {
            LOG.debug("the {} {} is reachable", role, server);
        } catch (SQLException e) {
            throw SourceErrors.connectFailed(e, server, role);
        }
    }

    /** The slot WAL guard of {@code --max-slot-wal}, or {@code null} without it. */
    private SlotWalGuard slotGuard(PipelineConfig config) {
        SlotWalGuard.Action action;
        try {
            action = SlotWalGuard.Action.valueOf(onSlotLimit.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--on-slot-limit " + onSlotLimit + " is not an action"
                    + " (expected: warn, stop or drop)");
        }
        if (maxSlotWal == null) {
            if (action != SlotWalGuard.Action.WARN) {
                throw new ParameterException(spec.commandLine(), "--on-slot-limit " + onSlotLimit + " needs"
                        + " --max-slot-wal SIZE, the limit it acts on");
            }
            return null;
        }
        long limit = SizeOption.parse(spec, "--max-slot-wal", maxSlotWal);
        return new SlotWalGuard(new SourceConnector(config.source()), config.slotName(), limit, action,
                SLOT_CHECK_INTERVAL_MS);
    }
}
