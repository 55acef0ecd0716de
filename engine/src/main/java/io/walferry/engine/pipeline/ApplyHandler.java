package io.walferry.engine.pipeline;

import io.walferry.engine.metrics.ApplyMetrics;
import org.agrona.DirectBuffer;

/**
 * What the replication pipeline hands the stream to: the apply side, running on the applier
 * thread (the ring buffer's consumer). The reader thread owns the replication connection and
 * publishes every pgoutput message, raw and in stream order; the handler decodes and applies them
 * and says how far the target is durable. The LSN confirmed to the source is derived from
 * {@link #durableLsn()} only, so a change is never confirmed before it is committed on the target.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #open(int)} is called once, before any message, on the applier thread.</li>
 *   <li>{@link #onMessage} is called for every message, in stream order, on the applier thread. A
 *       message it cannot apply raises an exception: the pipeline then stops and confirms nothing
 *       further (never skip what cannot be applied).</li>
 *   <li>{@link #durableLsn()} may be called from any thread, at any time.</li>
 *   <li>A stream may restart (reconnect) from the slot's confirmed position: messages of
 *       transactions already durable are then delivered again, and the handler must skip them
 *       (their commit end LSN is at or below what it recorded as applied).</li>
 * </ul>
 */
public interface ApplyHandler extends AutoCloseable {

    /**
     * Called once per pipeline run, before {@link #open}, on the thread that calls
     * {@link ReplicationPipeline#run()} (the applier thread starts after it): where to record what
     * is applied. A handler that records nothing ignores it.
     */
    default void recordInto(ApplyMetrics metrics) {
    }

    /**
     * Prepares to apply a stream of the given pgoutput {@code proto_version}: connects to the
     * target and reads the recorded progress. Called again after a reconnect, with a fresh
     * decoder state expected (the server re-sends Relation messages on a new stream).
     *
     * @return the end LSN of the last source transaction already durable on the target, or 0
     */
    long open(int protocolVersion) throws Exception;

    /**
     * Called once, on the applier thread, right after the pipeline created the source's slot and
     * before the first message of its stream: records {@code consistentLsn}, where the slot starts,
     * as the handler's progress, durably. From then on the pipeline has state, so a slot that later
     * disappears is reported as lost instead of being silently replaced (which would lose the
     * changes committed in between). A handler that records no progress may ignore it.
     */
    default void slotCreated(long consistentLsn) throws Exception {
    }

    /**
     * One pgoutput message: {@code buffer[offset, offset + length)}, which arrived in an XLogData
     * frame starting at {@code lsn} (0 for messages the server sends outside the WAL order, such
     * as Relation). The buffer is reused after the call returns.
     */
    void onMessage(DirectBuffer buffer, int offset, int length, long lsn) throws Exception;

    /**
     * Called on the applier thread when no event arrived for {@link #IDLE_MILLIS} ms (and again every
     * {@link #IDLE_MILLIS} ms while none does): a handler that holds changes back to apply them together
     * applies what it holds. A failure here stops the pipeline like one in {@link #onMessage}.
     */
    default void onIdle() throws Exception {
    }

    /** How long the applier thread waits for an event before calling {@link #onIdle()}. */
    long IDLE_MILLIS = 50;

    /**
     * The end LSN (Commit's {@code end_lsn}, or Stream Commit's) of the last source transaction
     * whose changes and recorded progress are committed on the target; 0 before any. Only moves
     * forward.
     */
    long durableLsn();

    /** Releases the target connections; an open target transaction is rolled back. */
    @Override
    void close() throws Exception;
}
