package io.walferry.cli;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT and SIGTERM into a stop request for a long-running command, so that it finishes its
 * work (the last durable LSN confirmed) and exits with its own exit code, 0 after a clean stop. A
 * shutdown hook could only delay the JVM's exit, which then always ends with 128 + the signal.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every OpenJDK); where
 * it is missing, {@link #install} returns false and the caller keeps its shutdown hook. Each signal
 * is installed on its own: a process started with SIGINT ignored ({@code nohup}, a background job
 * of a script) keeps ignoring it, as the JVM wants, and still stops on SIGTERM.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Runs {@code stop} (it must return at once) on SIGINT and SIGTERM; false when either cannot be handled. */
    static boolean install(Runnable stop) {
        return install(signal -> stop.run());
    }

    /** The same, telling {@code stop} which signal came: {@code SIGINT} or {@code SIGTERM}. */
    @SuppressWarnings("removal")
    static boolean install(Consumer<String> stop) {
        boolean all = true;
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    LOG.info("SIG{} received: stopping after the transactions in flight", signal.getName());
                    stop.accept("SIG" + signal.getName());
                });
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                LOG.debug("cannot handle SIG{} ({}); stopping from a shutdown hook instead", name, e.toString());
                all = false;
            }
        }
        return all;
    }
}
