package io.walferry.cli;

import io.walferry.applier.ApplyException;
import io.walferry.applier.TransactionalApplier;
import io.walferry.engine.pipeline.ApplyFailedException;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.PipelineResult;
import io.walferry.engine.pipeline.ReplicationPipeline;
import io.walferry.engine.source.ConnectionSpec;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams after a {@link LoadHandoff}: runs a {@link ReplicationPipeline} applying in an
 * {@link ApplyMode}, and after a failure of the target that heals (connection lost,
 * restart, deadlock) runs it again with backoff; the target's recorded progress and the source's
 * slot make the restart exact. {@code replicate}, {@code demo} and {@code bench} all stream through
 * it, so the demo and the benchmark show the path a real move takes.
 *
 * <p>{@link #run()} runs on the calling thread (the pipeline's reader); {@link #requestStop()},
 * {@link #stopAndAwait(Duration)}, {@link #changesApplied()} and {@link #durableLsn()} may be called
 * from any thread, signal handlers and shutdown hooks included.
 */
final class PipelineRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
    private static final long RESTART_INITIAL_BACKOFF_MS = 1_000;
    private static final long RESTART_MAX_BACKOFF_MS = 30_000;

    private final PipelineConfig config;
    private final ApplyMode mode;
    private final ConnectionSpec target;
    private final LoadHandoff.Handoff handoff;
    private volatile ReplicationPipeline current;
    private Consumer<ApplyFailedException> restartListener = failure -> { };
    /** Changes applied by the runs before the current one (which failed and were restarted). */
    private volatile long earlierRunsChanges;
    private boolean stopRequested;

    /** Streams the pipeline of {@code config} into {@code target}, after {@code handoff}, in the default apply mode. */
    PipelineRunner(PipelineConfig config, ConnectionSpec target, LoadHandoff.Handoff handoff) {
        this(config, target, handoff, ApplyMode.defaults());
    }

    /** Streams the pipeline of {@code config} into {@code target}, after {@code handoff}, applying in {@code mode}. */
    PipelineRunner(PipelineConfig config, ConnectionSpec target, LoadHandoff.Handoff handoff, ApplyMode mode) {
        this.mode = mode;
        this.config = config.withInProgressStreaming(handoff.inProgressStreaming());
        this.target = target;
        this.handoff = handoff;
    }

    /**
     * Runs the pipeline until it stops without an error; restarts it after a transient failure of
     * the target.
     *
     * @throws ApplyFailedException when the target failed for good (or failed while a stop was asked for)
     */
    PipelineResult run() throws InterruptedException {
        long backoffMs = RESTART_INITIAL_BACKOFF_MS;
        while (true) {
            ReplicationPipeline pipeline = new ReplicationPipeline(config,
                    mode.handler(target, config.pipelineName(), handoff.tableSnapshots()));
            current = pipeline;
            if (isStopRequested()) {
                pipeline.requestStop();
            }
            long startedNanos = System.nanoTime();
            try {
                return pipeline.run();
            } catch (ApplyFailedException e) {
                if (!(e.getCause() instanceof ApplyException) || !((ApplyException) e.getCause()).failure().transientFailure()
                        || isStopRequested()) {
                    throw e;
                }
                earlierRunsChanges += pipeline.changesApplied();
                if (System.nanoTime() - startedNanos > RESTART_MAX_BACKOFF_MS * 1_000_000L) {
                    backoffMs = RESTART_INITIAL_BACKOFF_MS; // a run that lasted is no streak of failures
                }
                LOG.warn("the target failed ({}); restarting the pipeline in {} s from the target's recorded progress",
                        e.getCause().getMessage(), backoffMs / 1000.0);
                if (awaitStopMillis(backoffMs)) {
                    throw e;
                }
                restartListener.accept(e); // after the wait: a target that restarts may be back to hear of it
                backoffMs = Math.min(RESTART_MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
    }

    /**
     * Tells {@code listener}, on the reader thread, of each failure after which the pipeline is
     * restarted, once the backoff is over, right before the restart.
     */
    void onRestart(Consumer<ApplyFailedException> listener) {
        this.restartListener = listener;
    }

    /** Row changes applied so far, over every run; for progress displays. */
    long changesApplied() {
        ReplicationPipeline pipeline = current;
        return earlierRunsChanges + (pipeline == null ? 0 : pipeline.changesApplied());
    }

    /** The current run's durable LSN ({@link ReplicationPipeline#durableLsn()}), 0 before a run; from any thread. */
    long durableLsn() {
        ReplicationPipeline pipeline = current;
        return pipeline == null ? 0 : pipeline.durableLsn();
    }

    /** Asks the current run to stop (and no further one to start); returns at once. */
    void requestStop() {
        synchronized (this) {
            stopRequested = true;
            notifyAll();
        }
        ReplicationPipeline pipeline = current;
        if (pipeline != null) {
            pipeline.requestStop();
        }
    }

    /** For a shutdown hook: asks for a stop and waits until the current run has confirmed its last LSN. */
    void stopAndAwait(Duration timeout) {
        requestStop();
        ReplicationPipeline pipeline = current;
        if (pipeline == null) {
            return;
        }
        try {
            if (!pipeline.awaitFinished(timeout)) {
                LOG.warn("the pipeline did not stop within {} s", timeout.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean isStopRequested() {
        return stopRequested;
    }

    /** Waits up to {@code millis} for a stop request; returns whether there is one. */
    private synchronized boolean awaitStopMillis(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!stopRequested && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        return stopRequested;
    }
}
