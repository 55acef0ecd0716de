package io.walferry.applier;

import io.walferry.engine.metrics.ApplyMetrics;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import java.util.Map;
import org.agrona.DirectBuffer;

/**
 * The batched apply mode (being built: every method below refuses until it lands).
 */
public final class BatchedApplier implements ApplyHandler {
    private final ConnectionSpec target;
    private final String pipelineName;
    private final BatchOptions options;
    private final Map<String, Long> tableSnapshots;

    public BatchedApplier(ConnectionSpec target, String pipelineName, BatchOptions options,
                          Map<String, Long> tableSnapshots) {
        this.target = target;
        this.pipelineName = pipelineName;
        this.options = options;
        this.tableSnapshots = Map.copyOf(tableSnapshots);
    }

    @Override
    public void recordInto(ApplyMetrics metrics) {
    }

    @Override
    public long open(int protocolVersion) {
        throw new UnsupportedOperationException("the batched apply mode is not built yet");
    }

    @Override
    public void onMessage(DirectBuffer buffer, int offset, int length, long lsn) {
        throw new UnsupportedOperationException("the batched apply mode is not built yet");
    }

    @Override
    public long durableLsn() {
        return 0;
    }

    @Override
    public void close() {
    }
}
