package io.walferry.applier;

import io.walferry.applier.batch.BatchRouter;
import io.walferry.applier.batch.StreamedApply;
import io.walferry.engine.metrics.ApplyMetrics;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * The batched apply mode, the default: source transactions are gathered into batches, each row's
 * changes over a batch coalesced to its net change, and every batch applied set-wise by
 * {@link BatchOptions#lanes()} target connections at once, routed by table and key so that every
 * change of one row stays on one lane; each lane commits with its progress row in
 * {@code walferry.apply_progress}. The target is consistent whenever the lag is zero; between
 * those points, transaction boundaries are not kept (the transactional mode keeps them).
 *
 * <p>Streamed transactions (larger than the source's {@code logical_decoding_work_mem}) are applied
 * as they stream, on sessions of their own, the transactional applier's way; the batches before
 * each streamed block and before each Stream Commit are committed first, so the order of changes to
 * any row is the source's. See docs/batched-apply.md for the whole design.
 *
 * <p>Threading: {@link #open}, {@link #onMessage}, {@link #onIdle} and {@link #close} run on the
 * applier thread; batches are applied on threads of their own; {@link #durableLsn} may be read from
 * any thread.
 */
public final class BatchedApplier implements ApplyHandler {
    private final BatchRouter router;

    public BatchedApplier(ConnectionSpec target, String pipelineName, BatchOptions options,
                          Map<String, Long> tableSnapshots) {
        this.router = new BatchRouter(target, pipelineName, options, tableSnapshots,
                // A streamed transaction's segments are as large as the batches.
                progress -> new StreamedOnly(new TransactionalApplier(target, pipelineName, ApplierOptions.DEFAULTS,
                        tableSnapshots, progress, true, options.batchRows())));
    }

    /** The transactional applier limited to streamed transactions. */
    private record StreamedOnly(TransactionalApplier applier) implements StreamedApply {
        @Override
        public void open(int protocolVersion, long recordedEndLsn) {
            applier.openStreamedOnly(protocolVersion, recordedEndLsn);
        }

        @Override
        public void recordInto(ApplyMetrics metrics) {
            applier.recordInto(metrics);
        }

        @Override
        public void onMessage(DirectBuffer buffer, int offset, int length, long lsn) {
            applier.onMessage(buffer, offset, length, lsn);
        }

        @Override
        public long durableLsn() {
            return applier.durableLsn();
        }

        @Override
        public void close() {
            applier.close();
        }
    }

    @Override
    public void recordInto(ApplyMetrics metrics) {
        router.recordInto(metrics);
    }

    @Override
    public long open(int protocolVersion) {
        return router.open(protocolVersion);
    }

    @Override
    public void slotCreated(long consistentLsn) {
        router.slotCreated(consistentLsn);
    }

    @Override
    public void onMessage(DirectBuffer buffer, int offset, int length, long lsn) {
        router.onMessage(buffer, offset, length, lsn);
    }

    @Override
    public void onIdle() {
        router.onIdle();
    }

    @Override
    public long durableLsn() {
        return router.durableLsn();
    }

    @Override
    public void close() {
        router.close();
    }
}
