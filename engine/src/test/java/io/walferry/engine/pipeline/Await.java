package io.walferry.engine.pipeline;

import java.time.Duration;

/** Waits for a condition a test cannot be notified of (a catalog view, another process), by polling it. */
final class Await {
    private static final long POLL_MS = 20;

    /** A condition that may query a server. */
    interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    static void until(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            Thread.sleep(POLL_MS); // polling: the condition lives in another process
        }
    }
}
