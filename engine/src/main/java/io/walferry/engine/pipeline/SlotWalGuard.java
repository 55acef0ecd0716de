package io.walferry.engine.pipeline;

import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches how much WAL the pipeline's slot makes the source keep ({@code --max-slot-wal}): the
 * distance from the slot's {@code restart_lsn} to the source's current WAL position. A slot whose
 * consumer falls behind (walferry stopped, a slow or blocked target) keeps every WAL segment since,
 * until the source's disk is full. Over the limit it warns loudly, every check; with an action other
 * than {@link Action#WARN} it calls the breach callback once, and the command stops replication
 * (and, for {@link Action#DROP}, drops the slot).
 *
 * <p>Checks run on a daemon thread with a connection of their own, so a pipeline blocked on the
 * target is still watched.
 */
public final class SlotWalGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlotWalGuard.class);
    private static final String RETAINED = "SELECT pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery()"
            + " THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END, restart_lsn)::bigint"
            + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND restart_lsn IS NOT NULL";

    /** What to do over the limit ({@code --on-slot-limit}). */
    public enum Action {
        /** Warn, and go on replicating. */
        WARN,
        /** Stop replicating and keep the slot: the operator decides. */
        STOP,
        /** Stop replicating and drop the slot, so that the source cannot fill its disk. */
        DROP
    }

    private final SourceConnector connector;
    private final String slotName;
    private final long limitBytes;
    private final Action action;
    private final long intervalMs;
    private volatile boolean closed;
    private volatile long lastRetained = -1;
    private Thread thread;

    public SlotWalGuard(SourceConnector connector, String slotName, long limitBytes, Action action, long intervalMs) {
        this.connector = connector;
        this.slotName = slotName;
        this.limitBytes = limitBytes;
        this.action = action;
        this.intervalMs = intervalMs;
    }

    /** A guard without a limit, for the metrics only: see {@link #startMeasuring()}. */
    public static SlotWalGuard measuring(SourceConnector connector, String slotName, long intervalMs) {
        return new SlotWalGuard(connector, slotName, Long.MAX_VALUE, Action.WARN, intervalMs);
    }

    /** The WAL the slot retains now, in bytes, or -1 when the slot does not exist (yet). */
    public long retainedBytes() {
        try (Connection sql = connector.openSql(); PreparedStatement query = sql.prepareStatement(RETAINED)) {
            query.setString(1, slotName);
            try (ResultSet row = query.executeQuery()) {
                lastRetained = row.next() ? row.getLong(1) : -1;
                return lastRetained;
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "measuring the WAL replication slot " + slotName + " retains", null);
        }
    }

    /** Checks once; logs a warning and returns {@code true} when the slot retains more than the limit. */
    public boolean overLimit() {
        long retained = retainedBytes();
        if (retained <= limitBytes) {
            return false;
        }
        LOG.warn("replication slot {} makes the source keep {} of WAL, more than --max-slot-wal {}: {}", slotName,
                size(retained), size(limitBytes), switch (action) {
                    case WARN -> "walferry goes on; it is behind the source (or was stopped for long). Pass"
                            + " --on-slot-limit stop or drop to have it act on the limit";
                    case STOP -> "stopping replication (--on-slot-limit stop); the slot stays";
                    case DROP -> "stopping replication and dropping the slot (--on-slot-limit drop); the pipeline"
                            + " will need a new full load";
                });
        return true;
    }

    /** The last measurement, -1 before any or when the slot was missing. */
    public long lastRetained() {
        return lastRetained;
    }

    public long limitBytes() {
        return limitBytes;
    }

    public Action action() {
        return action;
    }

    /**
     * Checks every interval from a daemon thread; the first time the slot is over the limit with an
     * acting {@link Action}, runs {@code onBreach} and stops checking. A failed check is logged and
     * tried again at the next interval.
     */
    public void start(Runnable onBreach) {
        thread = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    if (!closed && overLimit() && action != Action.WARN) {
                        onBreach.run();
                        return;
                    }
                } catch (RuntimeException e) {
                    LOG.warn("could not measure the WAL replication slot {} retains: {}", slotName, e.getMessage());
                }
            }
        }, "walferry-slot-wal-guard");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Measures at once and then every interval, from a daemon thread, for {@link #lastRetained()}
     * (the metrics) only: no limit, no warning. A failed measurement leaves the last one in place and
     * is logged at debug level only, because the pipeline reports a source it cannot reach itself.
     */
    public void startMeasuring() {
        thread = new Thread(() -> {
            while (!closed) {
                try {
                    retainedBytes();
                } catch (RuntimeException e) {
                    LOG.debug("could not measure the WAL replication slot {} retains: {}", slotName, e.getMessage());
                }
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "walferry-slot-wal-meter");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** {@code 1.5 GB}, {@code 12.0 MB}: for messages. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
    }
}
