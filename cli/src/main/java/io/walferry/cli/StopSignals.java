package io.walferry.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT and SIGTERM into a stop request for a long-running command, so that it finishes its
 * work (the last durable LSN confirmed) and exits with its own exit code, 0 after a clean stop. A
 * shutdown hook could only delay the JVM's exit, which then always ends with 128 + the signal.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every OpenJDK); where
 * it is missing, {@link #install} returns false and the caller keeps its shutdown hook.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Runs {@code stop} (it must return at once) on SIGINT and SIGTERM; false when signals cannot be handled. */
    @SuppressWarnings("removal")
    static boolean install(Runnable stop) {
        try {
            for (String name : new String[] {"INT", "TERM"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    LOG.info("SIG{} received: stopping after the transactions in flight", signal.getName());
                    stop.run();
                });
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.debug("cannot handle signals ({}); stopping from a shutdown hook instead", e.toString());
            return false;
        }
    }
}
