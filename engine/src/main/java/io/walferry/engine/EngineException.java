package io.walferry.engine;

import java.util.Objects;

/**
 * A failure the operator can act on. The message is complete and self-contained: it says what
 * happened, to which object, and what to do, and never contains a password. The {@link #failure()}
 * kind decides the process exit code.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Failure failure;

    public EngineException(Failure failure, String message) {
        super(message);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public EngineException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** The kind of failure, which the command line maps to an exit code. */
    public Failure failure() {
        return failure;
    }
}
