package io.walferry.applier.batch;

import io.walferry.engine.metrics.ApplyMetrics;
import org.agrona.DirectBuffer;

/**
 * What applies streamed transactions for the batched mode (the transactional applier, limited to
 * them): handed every message except ordinary transactions' changes, it applies streamed
 * transactions as their blocks arrive and records each one's end in every lane's progress row.
 */
public interface StreamedApply extends AutoCloseable {
    /** Opens for a stream whose transactions ending at or before {@code recordedEndLsn} are applied. */
    void open(int protocolVersion, long recordedEndLsn);

    void recordInto(ApplyMetrics metrics);

    void onMessage(DirectBuffer buffer, int offset, int length, long lsn);

    /** The end LSN of the last streamed transaction committed (or of the recorded progress). */
    long durableLsn();

    @Override
    void close();
}
