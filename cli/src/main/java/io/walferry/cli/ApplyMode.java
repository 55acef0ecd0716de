package io.walferry.cli;

import io.walferry.applier.ApplierOptions;
import io.walferry.applier.BatchOptions;
import io.walferry.applier.BatchedApplier;
import io.walferry.applier.TransactionalApplier;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import java.util.Map;

/**
 * How changes are applied to the target ({@code --apply-mode}, {@code --apply-lanes}):
 * {@code batched} (the default) or {@code transactional}.
 *
 * @param name  {@code batched} or {@code transactional}
 * @param lanes target connections of the batched mode
 */
record ApplyMode(String name, int lanes) {
    static final String BATCHED = "batched";
    static final String TRANSACTIONAL = "transactional";

    /** The batched mode with {@link BatchOptions#defaultLanes()} lanes. */
    static ApplyMode defaults() {
        return new ApplyMode(BATCHED, BatchOptions.defaultLanes());
    }

    ApplyMode {
        if (!name.equals(BATCHED) && !name.equals(TRANSACTIONAL)) {
            throw new IllegalArgumentException("--apply-mode " + name + " is not an apply mode (expected: batched, or"
                    + " transactional)");
        }
        if (lanes < 1 || lanes > 64) {
            throw new IllegalArgumentException("--apply-lanes " + lanes + " is out of range (expected: 1 to 64)");
        }
    }

    /** A new handler of this mode, for one run of the pipeline. */
    ApplyHandler handler(ConnectionSpec target, String pipelineName, Map<String, Long> tableSnapshots) {
        if (name.equals(TRANSACTIONAL)) {
            return new TransactionalApplier(target, pipelineName, ApplierOptions.DEFAULTS, tableSnapshots);
        }
        return new BatchedApplier(target, pipelineName, BatchOptions.defaults().withLanes(lanes), tableSnapshots);
    }
}
