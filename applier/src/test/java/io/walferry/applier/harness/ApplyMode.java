package io.walferry.applier.harness;

import io.walferry.applier.ApplierOptions;
import io.walferry.applier.BatchOptions;
import io.walferry.applier.BatchedApplier;
import io.walferry.applier.TransactionalApplier;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An apply mode under test: a name and how to build its {@link ApplyHandler} for a target and a
 * pipeline, so that one test runs against every mode.
 *
 * @param name    what test names and failure messages call it, e.g. {@code batched lanes=4 batchRows=7}
 * @param factory builds a new, unopened handler
 */
public record ApplyMode(String name, Factory factory) {

    /** Builds a handler of one mode; each call returns a new one. */
    @FunctionalInterface
    public interface Factory {
        ApplyHandler create(ConnectionSpec target, String pipelineName);
    }

    /** The transactional applier with the given JDBC batch size (1: every change on its own). */
    public static ApplyMode transactional(int batchRows) {
        ApplierOptions options = new ApplierOptions(batchRows, ApplierOptions.DEFAULTS.batchChars(),
                ApplierOptions.DEFAULTS.idleStreamSessions());
        return new ApplyMode("transactional batchRows=" + batchRows,
                (target, pipeline) -> new TransactionalApplier(target, pipeline, options));
    }

    /** The batched applier with {@code lanes} lanes and batches of at most {@code batchRows} row changes. */
    public static ApplyMode batched(int lanes, int batchRows) {
        BatchOptions options = BatchOptions.defaults().withLanes(lanes).withBatchRows(batchRows);
        return new ApplyMode("batched lanes=" + lanes + " batchRows=" + batchRows,
                (target, pipeline) -> new BatchedApplier(target, pipeline, options, Map.of()));
    }

    /** The transactional applier sending changes in JDBC batches, and each change alone. */
    public static List<ApplyMode> transactionalModes() {
        return List.of(transactional(256), transactional(1));
    }

    /**
     * The batched applier on one lane and on four, with batches of 7 row changes (so that batches end
     * anywhere in a workload, inside source transactions) and of 1,000; listed so that each half of the
     * list has one and four lanes, small and large batches.
     */
    public static List<ApplyMode> batchedModes() {
        return List.of(batched(1, 7), batched(4, 1000), batched(4, 7), batched(1, 1000));
    }

    /** Every mode an equivalence test covers. */
    public static List<ApplyMode> all() {
        List<ApplyMode> all = new ArrayList<>(transactionalModes());
        all.addAll(batchedModes());
        return List.copyOf(all);
    }

    public ApplyHandler create(ConnectionSpec target, String pipelineName) {
        return factory.create(target, pipelineName);
    }

    @Override
    public String toString() {
        return name;
    }
}
