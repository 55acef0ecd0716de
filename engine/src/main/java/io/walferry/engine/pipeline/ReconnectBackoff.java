package io.walferry.engine.pipeline;

/**
 * Waits between reconnect attempts: the initial backoff, doubled per failed attempt up to the
 * maximum, and back to the initial one once a stream has started again.
 */
final class ReconnectBackoff {
    private final long initialMs;
    private final long maxMs;
    private long nextMs;
    private int attempt;

    ReconnectBackoff(long initialMs, long maxMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.nextMs = initialMs;
    }

    /** Counts a failed attempt and returns how long to wait before the next one. */
    long nextDelayMs() {
        attempt++;
        long delay = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        return delay;
    }

    /** The number of the attempt the last {@link #nextDelayMs()} was for, from 1. */
    int attempt() {
        return attempt;
    }

    /** A stream started: the next failure waits the initial backoff again. */
    void reset() {
        attempt = 0;
        nextMs = initialMs;
    }
}
