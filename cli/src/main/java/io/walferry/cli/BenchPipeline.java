package io.walferry.cli;

import io.walferry.decoder.Lsn;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.metrics.PipelinePhase;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.PipelineResult;
import io.walferry.engine.source.ConnectionSpec;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One run of the bench's pipeline: a {@link PipelineRunner} (as {@code replicate} runs it) on a
 * thread of its own, {@code walferry-bench-pipeline}, with metrics of its own, and walferry's
 * applied position read from outside: the greater of the applier's durable LSN (the end of the last
 * source transaction committed on the target, with every earlier one) and the position last
 * confirmed to the slot (which also passes WAL with nothing to apply, once everything before it is
 * applied).
 *
 * <p>Started and finished by the bench's command thread; {@link #appliedLsn()} and
 * {@link #requestStop()} from any thread.
 */
final class BenchPipeline {
    /** How often {@link #awaitApplied} looks at the applied position. */
    private static final long POLL_NANOS = 1_000_000L;

    private final PipelineRunner runner;
    private final PipelineMetrics metrics;
    private final FutureTask<PipelineResult> task;
    private final Thread thread;

    private BenchPipeline(PipelineConfig config, ConnectionSpec target, LoadHandoff.Handoff handoff, ApplyMode mode) {
        this.metrics = PipelineMetrics.unpublished(config.pipelineName());
        this.runner = new PipelineRunner(config.withMetrics(metrics), target, handoff, mode);
        this.task = new FutureTask<>(runner::run);
        this.thread = new Thread(task, "walferry-bench-pipeline");
    }

    /** Starts streaming the pipeline of {@code config} into {@code target}. */
    static BenchPipeline start(PipelineConfig config, ConnectionSpec target, LoadHandoff.Handoff handoff,
                               ApplyMode mode) {
        BenchPipeline pipeline = new BenchPipeline(config, target, handoff, mode);
        pipeline.thread.start();
        return pipeline;
    }

    /** walferry's applied position now. */
    long appliedLsn() {
        return Lsn.max(runner.durableLsn(), metrics.confirmedLsn());
    }

    /** Whether the pipeline streams from its slot (its session started). */
    boolean isStreaming() {
        return metrics.status().phase() == PipelinePhase.STREAMING;
    }

    /** Whether the run has ended (caught up, stopped, or failed). */
    boolean isDone() {
        return task.isDone();
    }

    /**
     * Waits until the applied position reaches {@code lsn}; returns {@link System#nanoTime()} then,
     * or -1 when the run ended first or {@code stop} said so.
     */
    long awaitApplied(long lsn, BooleanSupplier stop) {
        while (true) {
            if (Lsn.compare(appliedLsn(), lsn) >= 0) {
                return System.nanoTime();
            }
            if (task.isDone() || stop.getAsBoolean()) {
                return -1;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Row changes applied, over every run the runner made. */
    long changesApplied() {
        return runner.changesApplied();
    }

    /** Asks the run to stop; returns at once. */
    void requestStop() {
        runner.requestStop();
    }

    /** Waits for the run to end; its result, or what it threw. */
    PipelineResult finish() throws Exception {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Waits up to {@code millis} for the thread to end (after a stop request, before the slot is dropped). */
    void awaitThread(long millis) throws InterruptedException {
        thread.join(millis);
    }
}
