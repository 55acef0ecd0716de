package io.walferry.engine.pipeline;

/**
 * The apply handler failed, and the pipeline stopped: nothing after the handler's last durable
 * transaction was confirmed to the source, so a restart streams the failed transaction again.
 * {@link #getCause()} is what the handler threw (an {@link io.walferry.engine.EngineException} when
 * the handler classified it); the message says where in the stream it happened.
 */
public final class ApplyFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long durableLsn;

    ApplyFailedException(String message, Throwable cause, long durableLsn) {
        super(message, cause);
        this.durableLsn = durableLsn;
    }

    /** The handler's durable LSN when it failed: the source's slot stays at or below it. */
    public long durableLsn() {
        return durableLsn;
    }
}
