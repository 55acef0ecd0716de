package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.PgTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress line, logged at INFO every progress interval by the reader thread: changes (row
 * messages) handed to the apply handler per second since the last line, and how far behind the
 * source the target is, in bytes (the server's WAL position on the stream minus the confirmed
 * position) and in seconds (now minus the commit time of the oldest published transaction not yet
 * confirmed; 0 when nothing is waiting).
 */
final class ProgressLog {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private final String pipelineName;
    private final long intervalNanos;
    private final CommitTimes pending;
    private long nextLogNanos;
    private long lastLogNanos;
    private long lastChanges;
    private long serverPosition;

    ProgressLog(String pipelineName, long intervalMs, int commitCapacity, long nowNanos) {
        this.pipelineName = pipelineName;
        this.intervalNanos = intervalMs * 1_000_000L;
        this.pending = new CommitTimes(commitCapacity);
        this.lastLogNanos = nowNanos;
        this.nextLogNanos = nowNanos + intervalNanos;
    }

    void committed(long endLsn, long commitTimeMicros) {
        pending.add(endLsn, commitTimeMicros);
    }

    /** The server's WAL position seen on the stream; only the highest is kept. */
    void serverPosition(long lsn) {
        serverPosition = Lsn.max(serverPosition, lsn);
    }

    /** The highest server WAL position seen on the stream, 0 before any. */
    long serverPosition() {
        return serverPosition;
    }

    /**
     * Commit time (microseconds since 2000-01-01) of the oldest published transaction not yet
     * confirmed, 0 when none waits. The confirmed position, not the durable one, decides: it also
     * moves past transactions without changes.
     */
    long oldestWaitingCommitMicros(long confirmedLsn) {
        pending.durableUpTo(confirmedLsn);
        return pending.isEmpty() ? 0 : pending.oldestCommitTimeMicros();
    }

    /** Logs the line when it is due. */
    void maybeLog(long nowNanos, long durableLsn, long confirmedLsn, long changesApplied) {
        if (nowNanos - nextLogNanos < 0) {
            return;
        }
        double seconds = (nowNanos - lastLogNanos) / 1e9;
        long rate = Math.round((changesApplied - lastChanges) / seconds);
        long bytesBehind = Lsn.compare(serverPosition, confirmedLsn) > 0 ? serverPosition - confirmedLsn : 0;
        LOG.info("pipeline {}: {} changes/s applied, {} bytes and {} s behind the source (confirmed {}, durable {})",
                pipelineName, rate, bytesBehind, secondsBehind(confirmedLsn), Lsn.format(confirmedLsn),
                Lsn.format(durableLsn));
        lastChanges = changesApplied;
        lastLogNanos = nowNanos;
        nextLogNanos = nowNanos + intervalNanos;
    }

    private long secondsBehind(long confirmedLsn) {
        long oldest = oldestWaitingCommitMicros(confirmedLsn);
        if (oldest == 0) {
            return 0;
        }
        long nowMicros = PgTime.fromUnixMicros(System.currentTimeMillis() * 1_000L);
        return Math.max(0, (nowMicros - oldest) / 1_000_000L);
    }
}
