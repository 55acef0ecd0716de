package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the post-data groups, one after the other, the steps of a parallel group in the load's
 * jobs. Each step commits with its record in {@code walferry.load_steps}; recorded steps are
 * skipped, so a resumed load continues with the first step not done.
 */
final class PostData {
    private static final Logger LOG = LoggerFactory.getLogger(PostData.class);

    private final LoadConfig config;
    private final LoadState state;

    PostData(LoadConfig config, LoadState state) {
        this.config = config;
        this.state = state;
    }

    void run(List<StepGroup> groups) {
        for (StepGroup group : groups) {
            List<LoadStep> pending = new ArrayList<>();
            for (LoadStep step : group.steps()) {
                if (!state.stepDone(step.key())) {
                    pending.add(step);
                }
            }
            if (pending.isEmpty()) {
                continue;
            }
            long startNanos = System.nanoTime();
            int jobs = group.parallel() ? Math.min(config.jobs(), pending.size()) : 1;
            runGroup(pending, jobs);
            LOG.info("{}: {} statements in {} s ({} jobs)", group.name(), pending.size(),
                    Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0, jobs);
        }
    }

    private void runGroup(List<LoadStep> steps, int jobs) {
        ConcurrentLinkedQueue<LoadStep> queue = new ConcurrentLinkedQueue<>(steps);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        List<Connection> open = new CopyOnWriteArrayList<>();
        for (int i = 0; i < jobs; i++) {
            Thread thread = new Thread(() -> {
                try (Connection target = TargetSessions.open(config.target())) {
                    open.add(target);
                    LoadStep step;
                    while (failure.get() == null && (step = queue.poll()) != null) {
                        runStep(target, step);
                    }
                } catch (SQLException e) {
                    failure.compareAndSet(null, TargetFailures.failed(e, "closing a post-data session"));
                } catch (RuntimeException e) {
                    // The first failure cancels what the other jobs run: an index build can take hours,
                    // and each step is its own transaction, so nothing done is lost.
                    if (failure.compareAndSet(null, e)) {
                        for (Connection other : open) {
                            cancelQuietly(other);
                        }
                    }
                }
            }, "walferry-post-data-" + (i + 1));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Failure.TARGET_NOT_READY, "interrupted while building the target's"
                        + " indexes and constraints; the load resumes where it stopped when walferry runs again", e);
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void cancelQuietly(Connection connection) {
        try {
            connection.unwrap(PGConnection.class).cancelQuery();
        } catch (SQLException e) {
            LOG.debug("cancelling a post-data statement failed: {}", e.getMessage());
        }
    }

    private void runStep(Connection target, LoadStep step) {
        try (Statement statement = target.createStatement()) {
            LOG.debug("{}: {}", step.description(), step.sql());
            statement.execute(step.sql());
            LoadState.recordStep(target, config.pipelineName(), step.key());
            target.commit();
        } catch (SQLException e) {
            try {
                target.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            Failure failure = e.getSQLState() != null && e.getSQLState().startsWith("08")
                    ? Failure.CANNOT_CONNECT : Failure.TARGET_NOT_READY;
            throw new EngineException(failure, step.description() + " failed on the target "
                    + config.target().describe() + ": " + SourceErrors.message(e) + " (statement: " + step.sql()
                    + "). Fix the cause and run walferry again: the load resumes with this statement", e);
        }
    }
}
