package io.walferry.engine.pipeline;

import io.walferry.decoder.DecodeException;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.metrics.DecodedChanges;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.source.ReceiveWatch;
import io.walferry.engine.stream.StopSignal;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The reader loop of one stream session, on the reader thread: read a message, decode it (only to
 * follow the transaction state, {@link TransactionTracker}), copy it into the next ring event and
 * publish it; between messages, keep the LSN feedback current ({@link ConfirmedPosition}) and log
 * progress. It returns when a stop is requested, when the target is caught up, or when the
 * applier failed, and throws when the stream fails.
 *
 * <p>Nothing here holds a transaction: each message goes to the ring as it arrives, and when the
 * ring is full the reader waits for room while still sending status updates.
 */
final class StreamReader {
    /** Why a session's loop ended without an exception. */
    enum End {
        STOP_REQUESTED,
        CAUGHT_UP,
        APPLY_FAILED
    }

    /** How often the feedback is recomputed while messages keep coming (pgjdbc sends it per status interval). */
    private static final long FEEDBACK_CHECK_NANOS = 50_000_000L;
    /**
     * The longest pause between polls of an idle stream. pgjdbc offers no way to block on the socket
     * and still send status updates, and its {@code readPending} already waits up to 1 ms; pausing
     * up to this long more after consecutive empty polls keeps an idle reader's CPU use negligible
     * while a message after a quiet spell waits at most this long.
     */
    private static final long MAX_IDLE_PAUSE_MS = 10;

    private final ApplyRing ring;
    private final ApplierSignals signals;
    private final ApplyHandler handler;
    private final StopSignal stop;
    private final TransactionTracker tracker;
    private final ConfirmedPosition position;
    private final ProgressLog progress;
    private final PipelineMetrics metrics;
    private final DecodedChanges decodedChanges;
    private final long statusIntervalNanos;
    private final long receiveTimeoutNanos;
    private final long probeNanos;
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    private SlotStream stream;
    private long caughtUpLsn;
    private long nextFeedbackNanos;
    private long nextForcedStatusNanos;
    private int emptyPolls;
    private long lastProbeNanos;

    StreamReader(ApplyRing ring, ApplierSignals signals, ApplyHandler handler, StopSignal stop,
                 TransactionTracker tracker, ConfirmedPosition position, ProgressLog progress, PipelineMetrics metrics,
                 long statusIntervalMs, long receiveTimeoutMs) {
        this.ring = ring;
        this.signals = signals;
        this.handler = handler;
        this.stop = stop;
        this.tracker = tracker;
        this.position = position;
        this.progress = progress;
        this.metrics = metrics;
        this.decodedChanges = new DecodedChanges(metrics);
        this.statusIntervalNanos = statusIntervalMs * 1_000_000L;
        this.receiveTimeoutNanos = receiveTimeoutMs * 1_000_000L;
        this.probeNanos = receiveTimeoutNanos / 3;
    }

    /**
     * Reads {@code sessionStream} until it ends.
     *
     * @param caughtUpLsn the LSN at which {@code --exit-when-caught-up} is satisfied, 0 for none
     * @param binary      whether the session streams binary values: then a Relation with a column
     *                    whose binary form cannot be applied ends it, unpublished
     * @throws ValueFormat.TextValuesNeededException on such a Relation
     */
    End read(SlotStream sessionStream, PgOutputDecoder decoder, long caughtUpLsn, boolean binary) throws SQLException {
        this.stream = sessionStream;
        this.caughtUpLsn = caughtUpLsn;
        lastProbeNanos = System.nanoTime();
        updateFeedback(System.nanoTime());
        while (true) {
            End end = checkEnd();
            if (end != null) {
                return end;
            }
            if (stream.isClosed()) {
                throw new SourceFailures.StreamEndedException("the source ended the replication stream");
            }
            ByteBuffer payload = stream.readPending();
            long now = System.nanoTime();
            if (payload == null) {
                checkAlive(now);
                updateFeedback(now);
                pauseWhenIdle();
                continue;
            }
            emptyPolls = 0;
            long lsn = stream.lastReceiveLsn();
            int length = payload.remaining();
            view.wrap(payload, payload.position(), length);
            MessageType type = decode(decoder, lsn, length);
            if (binary && type == MessageType.RELATION) {
                String uncovered = ValueFormat.uncoveredColumn(decoder.relation().relation());
                if (uncovered != null) {
                    throw new ValueFormat.TextValuesNeededException(uncovered
                            + ", whose binary form walferry does not convert");
                }
            }
            if (tracker.track(decoder, type, lsn)) {
                progress.committed(tracker.lastCommitEndLsn(), tracker.lastCommitTimeMicros());
            }
            decodedChanges.count(decoder, type);
            long sequence = claim();
            if (sequence < 0) {
                continue; // stop requested or applier failed while the ring was full: checkEnd says which
            }
            ring.publishMessage(sequence, view, 0, length, lsn);
            if (now - nextFeedbackNanos >= 0) {
                updateFeedback(now);
            }
        }
    }

    /**
     * The receive timeout. A walsender whose client reports regularly sends nothing while it has
     * nothing to send, so after a third of the timeout in silence the reader asks for a keepalive
     * (a status update with the reply flag); when nothing at all has arrived for the whole timeout,
     * the connection is dead. Checked on empty polls only: while the ring is full the reader does
     * not read, and whatever arrived meanwhile is read (and noted) by the next poll.
     */
    private void checkAlive(long now) throws SQLException {
        ReceiveWatch watch = stream.receiveWatch();
        if (!watch.watching()) {
            return;
        }
        long silentNanos = now - watch.lastReceiveNanos();
        if (silentNanos >= receiveTimeoutNanos) {
            throw new SourceFailures.ReceiveTimeoutException("nothing received from the source for "
                    + silentNanos / 1_000_000 + " ms, not even a keepalive it was asked for (receive timeout "
                    + receiveTimeoutNanos / 1_000_000 + " ms): the connection is taken for dead");
        }
        if (silentNanos >= probeNanos && now - lastProbeNanos >= probeNanos) {
            lastProbeNanos = now;
            stream.sendStatusNow();
        }
    }

    private void pauseWhenIdle() {
        if (emptyPolls < MAX_IDLE_PAUSE_MS) {
            emptyPolls++;
        }
        if (emptyPolls > 1) {
            stop.awaitMillis(emptyPolls);
        }
    }

    private End checkEnd() {
        if (signals.hasFailed()) {
            return End.APPLY_FAILED;
        }
        if (stop.isRequested()) {
            return End.STOP_REQUESTED;
        }
        if (caughtUpLsn != 0 && Lsn.compare(position.confirmed(), caughtUpLsn) >= 0) {
            return End.CAUGHT_UP;
        }
        return null;
    }

    private MessageType decode(PgOutputDecoder decoder, long lsn, int length) {
        try {
            return decoder.wrap(view, 0, length);
        } catch (DecodeException e) {
            throw new EngineException(Failure.PROTOCOL, "the message at LSN " + Lsn.format(lsn) + " (" + length
                    + " bytes) cannot be decoded: " + e.getMessage() + "; stopping without confirming it", e);
        }
    }

    /** Claims a ring slot, keeping the source connection alive while the ring is full; -1 on stop or failure. */
    private long claim() throws SQLException {
        long sequence = ring.tryClaim();
        while (sequence < 0) {
            if (stop.isRequested() || signals.hasFailed()) {
                return -1;
            }
            if (!ring.isApplierAlive()) {
                throw new IllegalStateException("the applier thread ended without a recorded failure");
            }
            long now = System.nanoTime();
            updateFeedback(now);
            if (now - nextForcedStatusNanos >= 0) {
                // pgjdbc sends status updates only inside readPending, which the reader cannot call
                // while it holds a message it has no room for.
                stream.sendStatusNow();
                nextForcedStatusNanos = now + statusIntervalNanos;
            }
            LockSupport.parkNanos(ApplyRing.FULL_RING_PARK_NANOS);
            sequence = ring.tryClaim();
        }
        return sequence;
    }

    /** Applies the feedback rule, hands a new position to the stream, and logs progress when due. */
    void updateFeedback(long now) {
        nextFeedbackNanos = now + FEEDBACK_CHECK_NANOS;
        long durable = handler.durableLsn();
        long server = stream.lastReceiveLsn();
        progress.serverPosition(server);
        if (position.update(durable, tracker, server, signals.hasFailed())) {
            stream.confirm(position.confirmed());
        }
        metrics.positions(progress.serverPosition(), position.confirmed(),
                progress.oldestWaitingCommitMicros(position.confirmed()));
        progress.maybeLog(now, durable, position.confirmed(), ring.stage().changesApplied());
    }
}
