package io.walferry.testkit.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes several slow resources (server processes, containers) at once, as JVM shutdown
 * should not wait for them one after the other. Failures are logged, never thrown.
 */
final class ParallelClose {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelClose.class);

    private ParallelClose() {
    }

    /** Closes every resource on its own thread and waits at most {@code timeout} for all of them. */
    /** Closes, in parallel, whichever of {@code servers} were started. */
    static <T extends AutoCloseable> void closeStarted(Collection<StartOnce<T>> servers, Duration timeout) {
        List<T> started = new ArrayList<>();
        for (StartOnce<T> server : servers) {
            T value = server.getIfStarted();
            if (value != null) {
                started.add(value);
            }
        }
        closeAll(started, timeout);
    }

    static void closeAll(List<? extends AutoCloseable> resources, Duration timeout) {
        List<Thread> threads = new ArrayList<>(resources.size());
        for (AutoCloseable resource : resources) {
            Thread thread = new Thread(() -> closeQuietly(resource), "walferry-testkit-close");
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                LOG.warn("gave up waiting {} ms for test servers to stop", timeout.toMillis());
                return;
            }
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("could not close {}: {}", resource, e.toString());
        }
    }
}
