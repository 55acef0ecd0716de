package io.walferry.applier;

import java.util.Objects;

/**
 * A source change that could not be applied to the target. The message is complete: what was
 * applied (operation, table, key values), in which source transaction (xid, commit LSN), what the
 * target said, what to do, and that the target transaction was rolled back. It never contains a
 * password. {@link #failure()} tells a transient failure (reconnect and resume) from one that needs
 * an operator.
 */
public final class ApplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ApplyFailure failure;

    public ApplyException(ApplyFailure failure, String message) {
        super(message);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public ApplyException(ApplyFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** The kind of failure, which decides whether the pipeline may reconnect and resume. */
    public ApplyFailure failure() {
        return failure;
    }

    /** The same failure with {@code context} (the source transaction, the rollback) appended to the message. */
    public ApplyException withContext(String context) {
        ApplyException wrapped = new ApplyException(failure, getMessage() + "; " + context, getCause());
        wrapped.setStackTrace(getStackTrace());
        return wrapped;
    }
}
