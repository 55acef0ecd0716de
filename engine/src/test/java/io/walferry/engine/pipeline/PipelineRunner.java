package io.walferry.engine.pipeline;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a {@link ReplicationPipeline} on a thread of its own, as the command line's main thread would. */
final class PipelineRunner implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ReplicationPipeline pipeline;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "test-pipeline-reader");
        thread.setDaemon(true);
        return thread;
    });
    private final Future<PipelineResult> result;

    PipelineRunner(PipelineConfig config, ApplyHandler handler) {
        this.pipeline = new ReplicationPipeline(config, handler);
        this.result = executor.submit(pipeline::run);
    }

    ReplicationPipeline pipeline() {
        return pipeline;
    }

    /** Requests a stop and returns the result. */
    PipelineResult stop() throws Exception {
        pipeline.requestStop();
        return await(STOP_TIMEOUT);
    }

    /** Waits for run() to return; rethrows what it threw. */
    PipelineResult await(Duration timeout) throws Exception {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    boolean isDone() {
        return result.isDone();
    }

    @Override
    public void close() throws Exception {
        pipeline.requestStop();
        if (!pipeline.awaitFinished(STOP_TIMEOUT)) {
            throw new AssertionError("the pipeline did not finish within " + STOP_TIMEOUT);
        }
        executor.shutdownNow();
    }
}
