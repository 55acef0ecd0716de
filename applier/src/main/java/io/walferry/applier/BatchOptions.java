package io.walferry.applier;

/**
 * Tuning of the batched applier ({@code --apply-mode batched}).
 *
 * @param lanes       target connections applying at once; changes are routed to them by table and
 *                    key hash, so every change of one row stays on one lane, in order
 * @param batchRows   row changes gathered (over every lane) before a batch is applied, at most
 * @param batchBytes  bytes of change messages gathered before a batch is applied, at most; bounds
 *                    the memory of a batch (twice this: one batch applying, the next gathering)
 * @param flushMillis how long a change waits for its batch to fill, at most, before the batch is
 *                    applied anyway (the lag added when the source writes little)
 */
public record BatchOptions(int lanes, int batchRows, long batchBytes, long flushMillis) {
    /**
     * The number of lanes used when none is asked for: twice the machine's cores, between 4 and 16.
     * A lane mostly waits for the target (its statements, its commit's flush), and the target is
     * usually another machine: on a 2-core machine running source, target and walferry, 4 lanes
     * drained a pgbench backlog faster than 2, and 2 faster than 1 (docs/benchmarks.md).
     */
    public static int defaultLanes() {
        return Math.max(4, Math.min(16, 2 * Runtime.getRuntime().availableProcessors()));
    }

    /**
     * {@link #defaultLanes()} lanes, batches of 20,000 rows or 32 MiB, flushed after 200 ms; for
     * experiments, the system properties {@code walferry.batch.rows}, {@code walferry.batch.bytes}
     * and {@code walferry.batch.flush-ms} change the last three.
     */
    public static BatchOptions defaults() {
        return new BatchOptions(defaultLanes(), Integer.getInteger("walferry.batch.rows", 20_000),
                Long.getLong("walferry.batch.bytes", 32L << 20), Long.getLong("walferry.batch.flush-ms", 200));
    }

    public BatchOptions {
        if (lanes < 1 || lanes > 64) {
            throw new IllegalArgumentException("lanes: " + lanes + " (expected: 1 to 64)");
        }
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows: " + batchRows + " (expected: 1 or more)");
        }
        if (batchBytes < 1) {
            throw new IllegalArgumentException("batchBytes: " + batchBytes + " (expected: 1 or more)");
        }
        if (flushMillis < 0) {
            throw new IllegalArgumentException("flushMillis: " + flushMillis + " (expected: 0 or more)");
        }
    }

    public BatchOptions withLanes(int count) {
        return new BatchOptions(count, batchRows, batchBytes, flushMillis);
    }

    public BatchOptions withBatchRows(int rows) {
        return new BatchOptions(lanes, rows, batchBytes, flushMillis);
    }
}
