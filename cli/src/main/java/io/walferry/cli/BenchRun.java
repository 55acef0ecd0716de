package io.walferry.cli;

import io.walferry.cli.bench.BenchReport;
import io.walferry.cli.bench.BenchTables;
import io.walferry.cli.bench.BenchWorkload;
import io.walferry.cli.bench.LagSampler;
import io.walferry.cli.bench.NativeSubscription;
import io.walferry.cli.bench.PgbenchProgram;
import io.walferry.cli.bench.PgbenchWorkload;
import io.walferry.cli.bench.Workload;
import io.walferry.decoder.Lsn;
import io.walferry.engine.load.TargetFailures;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.PipelineResult;
import io.walferry.engine.pipeline.WalInsertPosition;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@code walferry bench}, after {@link BenchCommand} has checked the options and that the
 * servers hold nothing of the bench's: creates the tables on both servers, creates the pipeline's
 * slot (a first {@code replicate --schema existing --no-copy-data --exit-when-caught-up} run: the
 * same {@link LoadHandoff} and {@link PipelineRunner} as {@code replicate}), and then either
 * <ul>
 *   <li>live: streams ({@link BenchPipeline}) while the workload writes ({@link BenchWorkload}, or
 *       {@link PgbenchWorkload} with {@code --generator pgbench}), with a
 *       {@link LagSampler}, until walferry has applied everything the workload wrote; or</li>
 *   <li>backlog: writes the workload with replication stopped, and drains it with
 *       {@code --exit-when-caught-up}, then (with {@code --compare-native}) with a
 *       {@link NativeSubscription} from the same starting rows;</li>
 * </ul>
 * compares both servers after each drain, and removes what it created ({@link BenchObjects}), also
 * after a failure or a stop request.
 *
 * <p>Threads: {@link #run} on the command's thread, which also waits for the applied position; the
 * pipeline on its own ({@link BenchPipeline}); the workload's clients and the lag sampler on threads
 * of their own (pgbench in a process of its own, waited for on the command's thread).
 * {@link #requestStop()} from any thread (the signal handler).
 */
final class BenchRun {
    private static final Logger LOG = LoggerFactory.getLogger(BenchRun.class);
    /** One lag sample every this many milliseconds. */
    static final long LAG_SAMPLE_INTERVAL_MS = 10;
    private static final long PIPELINE_STOP_WAIT_MS = 60_000;

    /**
     * The bench's options, checked.
     *
     * @param workload       what to write
     * @param accounts       rows of the accounts table
     * @param clients        workload connections
     * @param transactions   backlog run: transactions to write; 0 for a live run
     * @param durationNanos  live run: how long to write
     * @param ratePerSecond  live run: the workload's rate over all clients, 0 for unthrottled
     * @param compareNative  drain the backlog with a subscription too
     * @param nativeConninfo the subscription's CONNECTION, or null to derive it from the source
     * @param applyMode      walferry's apply mode
     * @param applyLanes     its lanes, 0 when the mode has none to choose
     * @param keepTables     leave the bench's tables at the end
     * @param pgbench        the pgbench program that writes the workload ({@code --generator pgbench}), or
     *                       null for the builtin generator
     */
    record Settings(Workload workload, long accounts, int clients, long transactions, long durationNanos,
                    double ratePerSecond, boolean compareNative, String nativeConninfo, String applyMode,
                    int applyLanes, boolean keepTables, PgbenchProgram pgbench) {
        boolean backlog() {
            return transactions > 0;
        }

        BenchReport.Generator generator() {
            return pgbench == null ? BenchReport.Generator.BUILTIN
                    : new BenchReport.Generator("pgbench", pgbench.path().toString(), pgbench.version());
        }
    }

    /** What was measured, before the report adds what was removed. */
    private record Measured(BenchWorkload.Counts written, long startLsn, long endLsn, BenchReport.Drain walferry,
                            LagSampler.Stats lag, double caughtUpSeconds, BenchReport.Drain nativeDrain,
                            double nativeLaunchSeconds) {
    }

    /** A walferry run up to a target LSN: how long it took, and its own counts. */
    private record Streamed(double seconds, long transactions, long rows) {
    }

    private final Settings settings;
    private final PipelineConfig config;
    private final ConnectionSpec sourceSpec;
    private final ConnectionSpec targetSpec;
    private final NativeSubscription subscription;
    private final BenchObjects objects;
    private final BenchWorkload workload;
    /** The workload's writer with {@code --generator pgbench}, else null. */
    private final PgbenchWorkload pgbench;
    private volatile boolean stopRequested;
    private volatile BenchPipeline pipeline;

    BenchRun(Settings settings, PipelineConfig config, ConnectionSpec sourceSpec, ConnectionSpec targetSpec,
             NativeSubscription subscription, BenchObjects objects) {
        this.settings = settings;
        this.config = config;
        this.sourceSpec = sourceSpec;
        this.targetSpec = targetSpec;
        this.subscription = subscription;
        this.objects = objects;
        this.workload = new BenchWorkload(settings.workload(), settings.accounts());
        this.pgbench = settings.pgbench() == null ? null : new PgbenchWorkload(settings.pgbench(), settings.workload(),
                settings.accounts(), settings.clients(), sourceSpec);
    }

    /** Stops the workload and the pipeline; {@link #run} then cleans up and returns null. Returns at once. */
    void requestStop() {
        stopRequested = true;
        requestStopOfParts();
    }

    /**
     * Measures, then removes what it created; null when stopped on request.
     *
     * @param sourceServer the source, as the report's header names it
     * @param targetServer the target, likewise
     */
    BenchReport run(Connection sourceSql, Connection targetSql, String sourceServer, String targetServer)
            throws Exception {
        Measured measured;
        try {
            measured = measure(sourceSql, targetSql);
        } finally {
            requestStopOfParts();
            BenchPipeline last = pipeline;
            if (last != null) {
                last.awaitThread(PIPELINE_STOP_WAIT_MS); // it must let go of its slot before the slot is dropped
            }
            LOG.info("removing what the bench created");
            objects.removeAll(settings.keepTables());
        }
        if (measured == null) {
            return null;
        }
        return new BenchReport(settings.workload(), settings.generator(), settings.accounts(), settings.clients(),
                settings.backlog(), settings.ratePerSecond(), settings.applyMode(), settings.applyLanes(), sourceServer,
                targetServer,
                measured.written(), measured.startLsn(), measured.endLsn(), measured.walferry(), measured.lag(),
                measured.caughtUpSeconds(), measured.nativeDrain(), measured.nativeLaunchSeconds(),
                List.copyOf(objects.removed()),
                List.copyOf(objects.leftBehind()));
    }

    private Measured measure(Connection sourceSql, Connection targetSql) throws Exception {
        createTables(sourceSql, targetSql);
        LoadHandoff.Handoff handoff = createPipeline(targetSql);
        if (settings.compareNative()) {
            createSubscription(sourceSql, targetSql);
        }
        if (stopRequested) {
            return null;
        }
        List<Connection> clients = new ArrayList<>();
        SourceConnector connector = new SourceConnector(sourceSpec.withApplicationName("walferry bench workload"));
        try (WalInsertPosition position = WalInsertPosition.prepare(sourceSql)) {
            // pgbench opens connections of its own.
            for (int i = 0; pgbench == null && i < settings.clients(); i++) {
                clients.add(connector.openSql());
            }
            return settings.backlog() ? backlog(sourceSql, targetSql, handoff, position, clients)
                    : live(sourceSql, targetSql, handoff, position, clients, connector);
        } finally {
            for (Connection client : clients) {
                client.close();
            }
        }
    }

    private void createTables(Connection sourceSql, Connection targetSql) {
        LOG.info("creating schema {} on both servers: {} accounts, an empty history", BenchTables.SCHEMA,
                settings.accounts());
        try {
            BenchTables.create(sourceSql, settings.accounts());
            objects.sourceTablesCreated();
            BenchTables.vacuum(sourceSql);
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "creating schema " + BenchTables.SCHEMA + " on the source " + sourceSpec.describe(),
                    "the bench needs the CREATE privilege on the database (GRANT CREATE ON DATABASE ... TO "
                            + sourceSpec.user() + ")");
        }
        try {
            BenchTables.create(targetSql, settings.accounts());
            objects.targetTablesCreated();
            BenchTables.vacuum(targetSql);
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "creating schema " + BenchTables.SCHEMA + " on the target "
                    + targetSpec.describe());
        }
    }

    /**
     * The pipeline's first run, as {@code replicate --schema existing --no-copy-data
     * --exit-when-caught-up}: creates its publication and slot and records the slot's start on the
     * target, then exits; from now on the slot keeps every change for it.
     */
    private LoadHandoff.Handoff createPipeline(Connection targetSql) throws Exception {
        LOG.info("creating the pipeline's publication and slot {} on the source", config.objectName());
        try {
            objects.pipelineStarting(hasSchema(targetSql, "walferry"));
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "looking for schema walferry on the target " + targetSpec.describe());
        }
        LoadHandoff.Handoff handoff = new LoadHandoff(config, targetSpec, "existing", null).run(null);
        start(config.withExitWhenCaughtUp(true), handoff).finish();
        return handoff;
    }

    private void createSubscription(Connection sourceSql, Connection targetSql) {
        LOG.info("creating publication {} on the source and the disabled subscription {} on the target, with its slot",
                subscription.name(), subscription.name());
        try {
            objects.nativePublicationCreating();
            subscription.createPublication(sourceSql);
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "creating publication " + subscription.name() + " on the source", null);
        }
        try {
            objects.nativeSubscriptionCreating();
            subscription.createSubscription(targetSql, settings.nativeConninfo() != null ? settings.nativeConninfo()
                    : NativeSubscription.conninfo(sourceSpec));
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "creating subscription " + subscription.name() + " on the target "
                    + targetSpec.describe() + " (it needs a superuser, or pg_create_subscription on PostgreSQL 16+, and"
                    + " a target server that reaches the source: see --native-conninfo)");
        }
    }

    private Measured backlog(Connection sourceSql, Connection targetSql, LoadHandoff.Handoff handoff,
                             WalInsertPosition position, List<Connection> clients) throws Exception {
        LOG.info("writing {} {} transactions{} with replication stopped ({} the WAL)", settings.transactions(),
                settings.workload().label(), pgbench == null ? "" : " with pgbench", settings.compareNative()
                        ? "slots " + config.slotName() + " and " + subscription.name() + " keep"
                        : "slot " + config.slotName() + " keeps");
        long startLsn = readPosition(position);
        BenchWorkload.Counts written = write(clients, settings.transactions(), 0, 0);
        long endLsn = readPosition(position);
        if (stopRequested) {
            return null;
        }
        LOG.info("backlog: {} transactions, {} rows, {} bytes of WAL up to {}; draining it with walferry",
                written.transactions(), written.rows(), endLsn - startLsn, Lsn.format(endLsn));
        long started = System.nanoTime();
        BenchPipeline drain = start(config.withExitWhenCaughtUp(true), handoff);
        long reached = drain.awaitApplied(endLsn, () -> stopRequested);
        PipelineResult result = drain.finish();
        if (reached < 0) {
            return null;
        }
        Streamed streamed = new Streamed((reached - started) / 1e9, result.transactionsApplied(), drain.changesApplied());
        LOG.info("walferry drained the backlog in {} s; comparing both servers", seconds(streamed.seconds()));
        BenchReport.Drain walferry = drain(streamed, sameRows(sourceSql, targetSql, "walferry"));
        if (!settings.compareNative()) {
            return new Measured(written, startLsn, endLsn, walferry, null, Double.NaN, null, Double.NaN);
        }
        NativeSubscription.Drained drained = drainNative(sourceSql, targetSql, endLsn);
        if (drained == null) {
            return null;
        }
        BenchReport.Drain nativeDrain = new BenchReport.Drain(drained.seconds(), written.transactions(), written.rows(),
                sameRows(sourceSql, targetSql, "the native subscription"));
        return new Measured(written, startLsn, endLsn, walferry, null, Double.NaN, nativeDrain, drained.launchSeconds());
    }

    private NativeSubscription.Drained drainNative(Connection sourceSql, Connection targetSql, long endLsn)
            throws Exception {
        LOG.info("putting the target's tables back as they started; draining the same backlog with subscription {}",
                subscription.name());
        try {
            BenchTables.reset(targetSql, settings.accounts());
            BenchTables.vacuum(targetSql);
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "resetting the bench's tables on the target " + targetSpec.describe());
        }
        NativeSubscription.Drained drained;
        try {
            drained = subscription.drain(sourceSql, targetSql, endLsn, () -> stopRequested);
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "draining the backlog with subscription " + subscription.name());
        }
        if (drained == null) {
            return null;
        }
        LOG.info("the subscription's apply worker started {} s after ENABLE and drained the backlog in {} s;"
                + " comparing both servers", seconds(drained.launchSeconds()), seconds(drained.seconds()));
        return drained;
    }

    private Measured live(Connection sourceSql, Connection targetSql, LoadHandoff.Handoff handoff,
                          WalInsertPosition position, List<Connection> clients, SourceConnector connector)
            throws Exception {
        BenchPipeline live = start(config, handoff);
        while (!live.isStreaming() && !live.isDone() && !stopRequested) {
            Thread.sleep(5); // the pipeline's start has no event to wait on
        }
        if (live.isDone() || stopRequested) {
            live.requestStop();
            live.finish();
            return null;
        }
        LOG.info("walferry streams; writing {} transactions{} for {} s", settings.workload().label(),
                pgbench == null ? "" : " with pgbench", seconds(settings.durationNanos() / 1e9));
        long startLsn = readPosition(position);
        BenchWorkload.Counts written;
        long endLsn;
        long reached;
        long started;
        long ended;
        LagSampler.Stats lag;
        try (LagSampler sampler = new LagSampler(connector.openSql(), live::appliedLsn, LAG_SAMPLE_INTERVAL_MS)) {
            started = System.nanoTime();
            written = write(clients, 0, settings.durationNanos(), settings.ratePerSecond());
            ended = System.nanoTime();
            endLsn = readPosition(position);
            sampler.stopSampling();
            LOG.info("workload done: {} transactions, {} rows; waiting until walferry has applied up to {}",
                    written.transactions(), written.rows(), Lsn.format(endLsn));
            reached = live.awaitApplied(endLsn, () -> stopRequested);
            if (reached >= 0 && !sampler.awaitResolved(PIPELINE_STOP_WAIT_MS)) {
                throw new IllegalStateException("lag samples still unresolved after walferry applied up to "
                        + Lsn.format(endLsn));
            }
            lag = reached >= 0 ? sampler.stats() : null;
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "sampling the WAL position of the source", null);
        }
        live.requestStop();
        PipelineResult result = live.finish();
        if (reached < 0) {
            return null;
        }
        Streamed streamed = new Streamed((reached - started) / 1e9, result.transactionsApplied(), live.changesApplied());
        LOG.info("walferry caught up {} s after the workload stopped; comparing both servers",
                seconds((reached - ended) / 1e9));
        return new Measured(written, startLsn, endLsn, drain(streamed, sameRows(sourceSql, targetSql, "walferry")),
                lag, (reached - ended) / 1e9, null, Double.NaN);
    }

    private BenchWorkload.Counts write(List<Connection> clients, long transactions, long durationNanos, double rate)
            throws InterruptedException {
        if (pgbench != null) {
            return pgbench.run(transactions, durationNanos, rate);
        }
        try {
            return workload.run(clients, transactions, durationNanos, rate);
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "writing the " + settings.workload().label() + " workload to the source "
                    + sourceSpec.describe(), null);
        }
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    private static BenchReport.Drain drain(Streamed streamed, boolean equal) {
        return new BenchReport.Drain(streamed.seconds(), streamed.transactions(), streamed.rows(), equal);
    }

    /** Starts a pipeline run; a stop asked for meanwhile reaches it too. */
    private BenchPipeline start(PipelineConfig runConfig, LoadHandoff.Handoff handoff) {
        BenchPipeline next = BenchPipeline.start(runConfig, targetSpec, handoff,
                new ApplyMode(settings.applyMode(), settings.applyLanes() == 0 ? 1 : settings.applyLanes()));
        pipeline = next;
        if (stopRequested) {
            next.requestStop();
        }
        return next;
    }

    private void requestStopOfParts() {
        workload.requestStop();
        if (pgbench != null) {
            pgbench.requestStop();
        }
        BenchPipeline current = pipeline;
        if (current != null) {
            current.requestStop();
        }
    }

    private long readPosition(WalInsertPosition position) {
        try {
            return position.read();
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "reading the WAL insert position of the source", null);
        }
    }

    /** Whether both servers hold the same rows in the bench's tables; differences are logged. */
    private boolean sameRows(Connection sourceSql, Connection targetSql, String consumer) {
        List<BenchTables.TableSum> onSource;
        List<BenchTables.TableSum> onTarget;
        try {
            onSource = BenchTables.checksums(sourceSql);
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "summing the bench's tables on the source", null);
        }
        try {
            onTarget = BenchTables.checksums(targetSql);
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "summing the bench's tables on the target");
        }
        if (onSource.equals(onTarget)) {
            return true;
        }
        LOG.warn("after {}, the target differs from the source: source {}, target {}", consumer, onSource, onTarget);
        return false;
    }

    private static boolean hasSchema(Connection sql, String schema) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            query.setString(1, schema);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }
}
