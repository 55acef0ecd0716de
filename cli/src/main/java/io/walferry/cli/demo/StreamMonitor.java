package io.walferry.cli.demo;

import io.walferry.applier.session.ProgressTable;
import io.walferry.decoder.Lsn;
import io.walferry.engine.pipeline.PipelineConfig;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The demo's progress line while changes stream, printed once a second by a thread of its own:
 * the changes applied to the target (in all, and per second since the last line), what the
 * workload has written, and how far the target is behind the source.
 *
 * <p>The lag is measured from what is durable on the target, not from what walferry has confirmed
 * to the source, which trails by up to a status interval (a second): in bytes, the source's WAL
 * position minus the end of the last transaction applied (or the slot's confirmed position when
 * that is further, as it is when the rest of the WAL has nothing to apply); in seconds, while
 * anything is left to apply, the age of the last transaction applied, from its commit timestamp
 * on the source ({@code track_commit_timestamp}, which {@link DemoServer} turns on). That age is at
 * most one transaction's gap more than the true delay of the oldest change not yet applied.
 * Keeps the largest lag seen, for the summary.
 *
 * <p>Owns its two connections and closes them in {@link #close()}.
 */
public final class StreamMonitor implements AutoCloseable {
    private static final long INTERVAL_MS = 1_000;

    private final Connection source;
    private final Connection target;
    private final String pipelineName;
    private final PreparedStatement lagQuery;
    private final LongSupplier changesApplied;
    private final ShopWorkload workload;
    private final PrintWriter out;
    private final long startNanos;
    private final Thread thread;
    private volatile String phase = "streaming";
    private volatile boolean closed;
    private volatile long maxLagBytes;
    private volatile double maxLagSeconds;

    /**
     * Starts printing.
     *
     * @param source         a connection to the source, owned by the monitor
     * @param target         a connection to the target, owned by the monitor
     * @param pipelineName   the pipeline: names its slot and its progress on the target
     * @param changesApplied the changes applied so far
     * @param startNanos     when the demo started: lines are stamped with the seconds since
     */
    public StreamMonitor(Connection source, Connection target, String pipelineName, LongSupplier changesApplied,
                         ShopWorkload workload, PrintWriter out, long startNanos) throws SQLException {
        this.source = source;
        this.target = target;
        this.pipelineName = pipelineName;
        this.lagQuery = source.prepareStatement("SELECT pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(),"
                + " greatest(?::text::pg_catalog.pg_lsn, (SELECT confirmed_flush_lsn FROM pg_catalog.pg_replication_slots"
                + " WHERE slot_name = ?)))::bigint, extract(epoch FROM pg_catalog.clock_timestamp()"
                + " - pg_catalog.pg_xact_commit_timestamp(nullif(?, '0')::text::xid))::float8");
        lagQuery.setString(2, PipelineConfig.OBJECT_PREFIX + pipelineName);
        this.changesApplied = changesApplied;
        this.workload = workload;
        this.out = out;
        this.startNanos = startNanos;
        this.thread = new Thread(this::printLines, "walferry-demo-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    /** What the next lines say the demo is doing: {@code streaming}, then {@code catching up}. */
    public void phase(String phase) {
        this.phase = phase;
    }

    public long maxLagBytes() {
        return maxLagBytes;
    }

    public double maxLagSeconds() {
        return maxLagSeconds;
    }

    private void printLines() {
        long lastChanges = changesApplied.getAsLong();
        long lastNanos = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            long changes = changesApplied.getAsLong();
            long now = System.nanoTime();
            long perSecond = Math.round((changes - lastChanges) / ((now - lastNanos) / 1e9));
            String lag = lag();
            if (!closed) {
                out.printf(Locale.ROOT, "%6.1f s  %s: %,d changes applied, %,d/s; %s; workload %,d transactions%n",
                        (now - startNanos) / 1e9, phase, changes, perSecond, lag, workload.counts().transactions());
            }
            lastChanges = changes;
            lastNanos = now;
        }
    }

    /** The lag now, as text, and the maximum so far updated. */
    private String lag() {
        try {
            ProgressTable.Progress applied = ProgressTable.level(target, pipelineName);
            lagQuery.setString(1, Lsn.format(applied == null ? 0 : applied.endLsn()));
            lagQuery.setString(3, Long.toString(applied == null ? 0 : applied.sourceXid()));
            try (ResultSet row = lagQuery.executeQuery()) {
                row.next();
                long bytes = Math.max(0, row.getLong(1));
                double seconds = bytes == 0 ? 0 : Math.max(0, row.getDouble(2));
                maxLagBytes = Math.max(maxLagBytes, bytes);
                maxLagSeconds = Math.max(maxLagSeconds, seconds);
                return String.format(Locale.ROOT, "lag %,d bytes, %.2f s", bytes, seconds);
            }
        } catch (SQLException e) {
            return "lag unknown (" + e.getMessage() + ")";
        }
    }

    /** Stops the lines (the one being printed ends first) and closes the connection. */
    @Override
    public void close() throws SQLException {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            source.close();
        } finally {
            target.close();
        }
    }
}
