package io.walferry.cli;

import io.walferry.cli.demo.DemoServer;
import io.walferry.cli.demo.OpTally;
import io.walferry.cli.demo.ShopWorkload;
import io.walferry.engine.peek.PeekOptions;
import io.walferry.engine.peek.PeekSession;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.source.ConnectionStrings;
import io.walferry.engine.source.SourceEnvironment;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code walferry demo}: walferry on a fresh machine with nothing but Java. Starts an embedded
 * PostgreSQL 17 (binaries from Maven Central), creates a sample shop, peeks at its replication
 * stream while a live workload writes to it, and checks that every change written was streamed.
 * Later issues extend it into a whole migration (full load and CDC into a second server).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Start an embedded PostgreSQL, write a live shop workload to it, and show its logical"
                + " replication stream as JSON lines (as walferry peek prints it), then check that every change"
                + " written was streamed. Needs nothing but Java: the server binaries come with walferry.jar.",
        footer = {"", "Exit codes: 0 ok, 1 internal error or a change missing from the stream, 2 usage."})
final class DemoCommand implements Callable<Integer> {
    private static final Duration SLOT_WAIT = Duration.ofSeconds(30);
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "5",
            description = "How long the workload writes (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", paramLabel = "TPS", defaultValue = "10",
            description = "Transactions per second the workload writes (default: ${DEFAULT-VALUE}).")
    int rate;

    @Override
    public Integer call() throws Exception {
        common.applyLogging();
        if (seconds < 1 || rate < 1) {
            throw new ParameterException(spec.commandLine(), "--seconds " + seconds + " --rate " + rate
                    + " (expected: both 1 or more)");
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("walferry demo: starting an embedded PostgreSQL 17 (binaries bundled from Maven Central)...");
        err.flush();
        try (DemoServer server = DemoServer.start(); Connection sql = server.connect()) {
            ShopWorkload.createSchema(sql);
            err.println("walferry demo: server on localhost:" + server.port() + ", shop schema created; peeking at"
                    + " its stream while a workload writes " + rate + " transactions a second for " + seconds + " s.");
            err.flush();
            return peekWhileWriting(server, sql, err);
        }
    }

    private int peekWhileWriting(DemoServer server, Connection sql, PrintWriter err) throws Exception {
        OpTally tally = new OpTally(spec.commandLine().getOut(), ShopWorkload.DONE_PREFIX);
        PrintWriter out = new PrintWriter(tally, true);
        PeekOptions options = new PeekOptions(ConnectionStrings.parse(server.url(), SourceEnvironment.system()), null,
                List.of(TablePattern.parse("shop.*")), null, false, 0, PeekOptions.DEFAULT_STATUS_INTERVAL_MS);
        PeekSession session = new PeekSession(options, out);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread peek = new Thread(() -> {
            try {
                session.run();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "walferry-demo-peek");
        Thread hook = new Thread(session::requestStop, "walferry-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        peek.start();
        try {
            awaitActiveSlot(sql, session.objectName(), peek);
            rethrow(failure);
            long started = System.nanoTime();
            ShopWorkload.Counts written = new ShopWorkload().run(sql, seconds, rate);
            boolean drained = tally.awaitDone(DRAIN_WAIT.toSeconds(), TimeUnit.SECONDS);
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            session.requestStop();
            peek.join(TimeUnit.SECONDS.toMillis(30));
            rethrow(failure);
            out.flush();
            return summarize(err, written, tally.counts(), drained, elapsedMs, sql);
        } finally {
            session.requestStop();
            peek.join(TimeUnit.SECONDS.toMillis(30));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private static void awaitActiveSlot(Connection sql, String slot, Thread peek) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SLOT_WAIT.toNanos();
        try (PreparedStatement query = sql.prepareStatement(
                // The slot is active while CREATE_REPLICATION_SLOT still builds its snapshot, and a
                // transaction begun then is never decoded: wait until its walsender streams.
                "SELECT count(*) FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid"
                        + " WHERE s.slot_name = ? AND r.state IN ('catchup', 'streaming')")) {
            query.setString(1, slot);
            while (System.nanoTime() < deadline && peek.isAlive()) {
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) == 1) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        if (peek.isAlive()) {
            throw new IllegalStateException("the demo's replication slot " + slot + " did not become active within "
                    + SLOT_WAIT.toSeconds() + " s");
        }
    }

    private static void rethrow(AtomicReference<RuntimeException> failure) {
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static int summarize(PrintWriter err, ShopWorkload.Counts written, Map<String, Long> streamed,
                                 boolean drained, long elapsedMs, Connection sql) throws SQLException {
        long orders = ShopWorkload.count(sql, "SELECT count(*) FROM shop.orders");
        err.println();
        err.println("walferry demo: summary");
        err.printf("  written:  %d transactions (%d inserts, %d updates, %d deletes) in %.1f s; %d orders in the shop%n",
                written.transactions(), written.inserts(), written.updates(), written.deletes(), elapsedMs / 1000.0, orders);
        err.println("  streamed: " + streamed);
        boolean complete = drained
                && streamed.getOrDefault("insert", 0L) == written.inserts()
                && streamed.getOrDefault("update", 0L) == written.updates()
                && streamed.getOrDefault("delete", 0L) == written.deletes()
                && streamed.getOrDefault("commit", 0L) == written.transactions();
        if (complete) {
            err.println("  check:    every change written was streamed, once, in its transaction.");
        } else {
            err.println("  check:    FAILED: the stream does not match what was written"
                    + (drained ? "" : " (the closing message never arrived)") + ". This is a bug in walferry: please report it.");
        }
        err.println("  next:     walferry peek --source postgresql://user@host/db shows the same for your own server.");
        err.flush();
        return complete ? ExitCodes.OK : ExitCodes.INTERNAL_ERROR;
    }
}
