package io.walferry.cli.bench;

import io.walferry.decoder.Lsn;
import io.walferry.engine.pipeline.WalInsertPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Measures replication lag while a workload writes: every {@code intervalMs} it reads the source's
 * WAL insert position ({@link WalInsertPosition}) and notes the time just before the read; the
 * sample's lag is the time from then until walferry's applied position reaches that LSN. Every
 * transaction committed on the source before the sample was taken has its commit record at or
 * below the LSN read, so a sample's lag is an upper bound of the lag of every transaction that
 * committed just before it: the time from its commit until it, and everything committed before it,
 * is durable on the target.
 *
 * <p>The applied position is read from the running pipeline, in process, about once a millisecond:
 * the greater of the applier's durable LSN (the end of the last source transaction committed on the
 * target, with every earlier one) and the position walferry last confirmed to the source (which
 * also covers WAL with nothing to apply, such as another client's transaction still open, once
 * everything before it is applied). So a lag is exact to about a millisecond plus the sample query's
 * round trip, and errs on the high side.
 *
 * <p>Runs on a thread of its own with a source connection of its own (closed by {@link #close()});
 * {@link #stopSampling()}, {@link #awaitResolved} and {@link #stats()} are for the command's thread.
 */
public final class LagSampler implements AutoCloseable {
    /** How often pending samples are checked against the applied position. */
    private static final long POLL_NANOS = 1_000_000L;

    private final Connection source;
    private final WalInsertPosition position;
    private final LongSupplier appliedPosition;
    private final long intervalMs;
    private final Thread thread;
    /** {sample time in nanos, LSN}, oldest first; sampler thread only. */
    private final ArrayDeque<long[]> pending = new ArrayDeque<>();
    private long[] lagNanos = new long[4096];
    private int count;
    private volatile boolean sampling = true;
    private volatile boolean closed;
    private volatile Exception failure;

    /**
     * Lag as measured.
     *
     * @param samples    samples taken (and resolved)
     * @param intervalMs one sample every this many milliseconds
     * @param p50Seconds the median sample's lag
     * @param p99Seconds the 99th percentile (nearest rank)
     * @param maxSeconds the largest
     */
    public record Stats(int samples, long intervalMs, double p50Seconds, double p99Seconds, double maxSeconds) {
    }

    /**
     * Starts sampling.
     *
     * @param source          a connection to the source, owned by the sampler from now on
     * @param appliedPosition walferry's applied position, from any thread
     */
    public LagSampler(Connection source, LongSupplier appliedPosition, long intervalMs) throws SQLException {
        this.source = source;
        this.position = WalInsertPosition.prepare(source);
        this.appliedPosition = appliedPosition;
        this.intervalMs = intervalMs;
        this.thread = new Thread(this::sample, "walferry-bench-lag");
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes no more samples; those taken are still resolved. Returns at once. */
    public void stopSampling() {
        sampling = false;
    }

    /**
     * Waits until every sample taken is resolved (the pipeline has applied up to the last one), or
     * {@code timeoutMs} passed, or the sampler failed; returns whether all are resolved.
     */
    public boolean awaitResolved(long timeoutMs) throws InterruptedException, SQLException {
        stopSampling();
        thread.join(Math.max(1, timeoutMs));
        Exception failed = failure;
        if (failed instanceof SQLException sql) {
            throw sql;
        }
        if (failed != null) {
            throw new IllegalStateException("the lag sampler failed", failed);
        }
        return !thread.isAlive();
    }

    /** The samples resolved so far; call after {@link #awaitResolved}. */
    public Stats stats() {
        long[] sorted = Arrays.copyOf(lagNanos, count);
        Arrays.sort(sorted);
        return new Stats(count, intervalMs, percentile(sorted, 0.50), percentile(sorted, 0.99),
                count == 0 ? 0 : sorted[count - 1] / 1e9);
    }

    /** Nearest rank: the smallest sample with at least {@code p} of them at or below it. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e9;
    }

    private void sample() {
        long nextSample = System.nanoTime();
        try {
            while (!closed) {
                long now = System.nanoTime();
                if (sampling && now - nextSample >= 0) {
                    long takenNanos = System.nanoTime();
                    pending.addLast(new long[] {takenNanos, position.read()});
                    nextSample = Math.max(nextSample + intervalMs * 1_000_000L, now);
                }
                resolve(appliedPosition.getAsLong());
                if (!sampling && pending.isEmpty()) {
                    return;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
    }

    private void resolve(long applied) {
        long now = System.nanoTime();
        while (!pending.isEmpty() && Lsn.compare(pending.peekFirst()[1], applied) <= 0) {
            if (count == lagNanos.length) {
                lagNanos = Arrays.copyOf(lagNanos, count * 2);
            }
            lagNanos[count++] = now - pending.removeFirst()[0];
        }
    }

    /** Stops the thread and closes the connection. */
    @Override
    public void close() throws SQLException {
        closed = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            position.close();
        } finally {
            source.close();
        }
    }
}
