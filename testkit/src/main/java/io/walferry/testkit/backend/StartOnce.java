package io.walferry.testkit.backend;

import java.util.Objects;
import java.util.concurrent.Callable;
import org.opentest4j.TestAbortedException;

/**
 * Runs a slow start-up at most once, for the first caller, and hands every later caller the
 * same result. A failure is remembered too, so that a server that cannot start costs one
 * start-up per run rather than one per test; later callers get a fresh exception whose cause
 * is the original failure. A skip ({@link TestAbortedException}) stays a skip.
 *
 * <p>Callers of different instances never wait for each other, which lets servers of
 * different versions start in parallel.
 *
 * @param <T> what the start-up produces
 */
public final class StartOnce<T> {
    private final String description;
    private final Callable<T> starter;
    private T value;
    private Exception failure;

    /**
     * @param description what is being started, e.g. {@code embedded PostgreSQL 17 (source)}
     * @param starter     runs at most once
     */
    public StartOnce(String description, Callable<T> starter) {
        this.description = description;
        this.starter = starter;
    }

    /** The started value, starting it now if nobody has yet. */
    public synchronized T get() {
        if (value == null && failure == null) {
            try {
                value = Objects.requireNonNull(starter.call(), description);
            } catch (Exception e) {
                failure = e;
                throw rethrowable(e, "could not start ");
            }
        } else if (failure != null) {
            throw rethrowable(failure, "failed earlier in this run: could not start ");
        }
        return value;
    }

    /** The value if a start-up has already succeeded, otherwise null; never starts anything. */
    public synchronized T getIfStarted() {
        return value;
    }

    private RuntimeException rethrowable(Exception cause, String prefix) {
        if (cause instanceof TestAbortedException) {
            return new TestAbortedException(cause.getMessage(), cause);
        }
        return new IllegalStateException(prefix + description + ": " + cause.getMessage(), cause);
    }
}
