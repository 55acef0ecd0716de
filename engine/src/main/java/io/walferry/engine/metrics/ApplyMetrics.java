package io.walferry.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The applier's meters: JDBC batches and their sizes and latencies, target commits and their
 * latencies, source transactions applied, and the source commit time of the last one. Recorded on
 * the applier thread, once per batch or per transaction (never per row, except the per-table
 * change counts, which the applier adds up per transaction first).
 */
public final class ApplyMetrics {
    private final PipelineMetrics pipeline;
    private final Timer batchTime;
    private final DistributionSummary batchRows;
    private final Timer commitTime;
    private final Counter transactions;
    private final Counter fallbacks;
    private final Counter batches;
    private volatile long lastCommitTimeMicros;

    ApplyMetrics(PipelineMetrics pipeline, MeterRegistry registry) {
        this.pipeline = pipeline;
        // Buckets from 100 µs to 30 s: a batch to a target next door takes well under a millisecond,
        // one stuck behind a lock seconds.
        this.batchTime = Timer.builder("walferry.apply.batch")
                .description("Round trips of one JDBC batch of changes (one statement, many rows) to the target")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.batchRows = DistributionSummary.builder("walferry.apply.batch.rows")
                .description("Rows per JDBC batch sent to the target").register(registry);
        this.commitTime = Timer.builder("walferry.apply.commit")
                .description("Committing one source transaction on the target: its last batch, the progress row,"
                        + " and COMMIT")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.transactions = Counter.builder("walferry.transactions.applied")
                .description("Source transactions whose changes were committed on the target").register(registry);
        this.fallbacks = Counter.builder("walferry.apply.fallbacks")
                .description("Batches of the batched apply mode that were applied the exact way (statement by"
                        + " statement, in source order) after their set-wise apply failed or could not be used")
                .register(registry);
        this.batches = Counter.builder("walferry.apply.batches")
                .description("Batches of source transactions committed by the batched apply mode").register(registry);
    }

    /** The counters of table {@code qualifiedName} ({@code schema.table}); cached, created on first use. */
    public TableChanges table(String qualifiedName) {
        return pipeline.table(qualifiedName);
    }

    /** One JDBC batch of {@code rows} changes ran on the target in {@code nanos}. */
    public void batchExecuted(int rows, long nanos) {
        batchTime.record(nanos, TimeUnit.NANOSECONDS);
        batchRows.record(rows);
    }

    /** One source transaction's changes were committed on the target, in {@code nanos}. */
    public void transactionCommitted(long nanos) {
        commitTime.record(nanos, TimeUnit.NANOSECONDS);
        transactions.increment();
    }

    /**
     * One batch of {@code sourceTransactions} source transactions was committed on the target (every
     * lane), in {@code nanos} from the start of its apply.
     */
    public void batchCommitted(int sourceTransactions, long nanos) {
        commitTime.record(nanos, TimeUnit.NANOSECONDS);
        transactions.increment(sourceTransactions);
        batches.increment();
    }

    /** A batch was applied statement by statement in source order instead of set-wise. */
    public void fallback() {
        fallbacks.increment();
    }

    /**
     * The applier is done with a source transaction (applied, or nothing in it for the target) that
     * committed on the source at {@code commitTimeMicros} (microseconds since 2000-01-01).
     */
    public void sourceCommitApplied(long commitTimeMicros) {
        lastCommitTimeMicros = commitTimeMicros;
    }

    long lastCommitTimeMicros() {
        return lastCommitTimeMicros;
    }

    long transactionsApplied() {
        return (long) transactions.count();
    }
}
