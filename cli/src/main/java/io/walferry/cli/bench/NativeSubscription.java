package io.walferry.cli.bench;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.BooleanSupplier;

/**
 * PostgreSQL's own logical replication, for {@code walferry bench --compare-native}: a publication of
 * the bench's tables on the source and a subscription on the target ({@code binary = true,
 * streaming = on, copy_data = false}), created disabled, with its slot, before the workload writes,
 * so that it sees the same WAL as walferry; enabled to drain the backlog, timed from the start of
 * its apply worker until its slot's {@code confirmed_flush_lsn} reaches the end of the workload;
 * removed at the end.
 *
 * <p>The subscription's slot, publication and the subscription itself all take one name,
 * {@code walferry_<pipeline>_native}. Stateless apart from that name; the caller's connections, on
 * the caller's thread.
 */
public final class NativeSubscription {
    /** How often the slot's {@code confirmed_flush_lsn} is read while the subscription drains. */
    private static final long POLL_MS = 5;
    /** A subscription whose slot does not move for this long has stopped (an apply error, say). */
    private static final long STALL_MS = 60_000;

    private final String name;

    /** The subscription, its publication and its slot, all named {@code name}. */
    public NativeSubscription(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * The connection string the target server uses to reach the source: the source's host, port,
     * database, user, password (when walferry has one) and TLS settings, as libpq keywords.
     */
    public static String conninfo(ConnectionSpec source) {
        StringBuilder conninfo = new StringBuilder();
        keyword(conninfo, "host", source.host());
        keyword(conninfo, "port", Integer.toString(source.port()));
        keyword(conninfo, "dbname", source.database());
        keyword(conninfo, "user", source.user());
        keyword(conninfo, "password", source.password());
        keyword(conninfo, "sslmode", source.sslMode().keyword());
        keyword(conninfo, "sslrootcert", source.sslRootCert());
        keyword(conninfo, "sslcert", source.sslCert());
        keyword(conninfo, "sslkey", source.sslKey());
        return conninfo.toString().strip();
    }

    private static void keyword(StringBuilder conninfo, String keyword, String value) {
        if (value != null) {
            conninfo.append(keyword).append("='").append(value.replace("\\", "\\\\").replace("'", "\\'")).append("' ");
        }
    }

    /** Whether a publication or a slot of this name exists on the source. */
    public String existingOnSource(Connection source) throws SQLException {
        if (exists(source, "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            return "publication " + name;
        }
        if (exists(source, "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            return "replication slot " + name;
        }
        return null;
    }

    /** Whether a subscription of this name exists in the target's database. */
    public boolean existsOnTarget(Connection target) throws SQLException {
        return exists(target, "SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = ?"
                + " AND subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())");
    }

    /** Creates the publication of the bench's tables on the source. */
    public void createPublication(Connection source) throws SQLException {
        try (Statement statement = source.createStatement()) {
            statement.execute("CREATE PUBLICATION " + name + " FOR TABLE " + String.join(", ", BenchTables.TABLES));
        }
    }

    /**
     * Creates the subscription on the target, disabled; the target connects to the source now and
     * creates the slot there, which from then on keeps the WAL for it.
     */
    public void createSubscription(Connection target, String sourceConninfo) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("CREATE SUBSCRIPTION " + name + " CONNECTION '" + sourceConninfo.replace("'", "''")
                    + "' PUBLICATION " + name + " WITH (binary = true, streaming = on, copy_data = false,"
                    + " enabled = false)");
        }
    }

    /**
     * How the subscription drained.
     *
     * @param launchSeconds from ALTER SUBSCRIPTION ... ENABLE until its apply worker ran: PostgreSQL's
     *                      launcher starts at most one worker per {@code wal_retrieve_retry_interval}
     *                      (5 s by default; per server up to PostgreSQL 15, per subscription since 16),
     *                      so this depends on what ran before, not on the drain
     * @param seconds       from the apply worker's start until its slot confirmed the end LSN
     */
    public record Drained(double launchSeconds, double seconds) {
    }

    /**
     * Enables the subscription and waits until its slot has confirmed {@code endLsn}: every change up
     * to it is applied and flushed on the target. Timed from the moment its apply worker shows in
     * {@code pg_stat_subscription} (polled every millisecond), so that the launcher's hold-back does
     * not count; the slot is polled every {@value #POLL_MS} ms.
     *
     * @param stopRequested polled while waiting; when it says so, returns null
     * @throws EngineException ({@link Failure#TARGET_NOT_READY}) when the worker does not start, or
     *                         the slot stops moving, for a minute (the worker failed: the target's
     *                         log says why)
     */
    public Drained drain(Connection source, Connection target, long endLsn, BooleanSupplier stopRequested)
            throws SQLException, InterruptedException {
        long enabled = System.nanoTime();
        try (Statement statement = target.createStatement()) {
            statement.execute("ALTER SUBSCRIPTION " + name + " ENABLE");
        }
        long started = awaitWorker(target, stopRequested);
        if (started < 0) {
            return null;
        }
        long lastMoved = System.nanoTime();
        long lastConfirmed = 0;
        try (PreparedStatement query = source.prepareStatement("SELECT confirmed_flush_lsn::text"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, name);
            while (true) {
                long confirmed = 0;
                try (ResultSet row = query.executeQuery()) {
                    if (row.next() && row.getString(1) != null) {
                        confirmed = Lsn.parse(row.getString(1));
                    }
                }
                long now = System.nanoTime();
                if (Lsn.compare(confirmed, endLsn) >= 0) {
                    return new Drained((started - enabled) / 1e9, (now - started) / 1e9);
                }
                if (confirmed != lastConfirmed) {
                    lastConfirmed = confirmed;
                    lastMoved = now;
                } else if (now - lastMoved > STALL_MS * 1_000_000L) {
                    throw new EngineException(Failure.TARGET_NOT_READY, "the subscription " + name + " on the target has not advanced its"
                            + " slot for " + STALL_MS / 1000 + " s, at " + Lsn.format(confirmed) + " of "
                            + Lsn.format(endLsn) + ": its apply worker probably failed; the target's server log says why");
                }
                if (stopRequested.getAsBoolean()) {
                    return null;
                }
                Thread.sleep(POLL_MS);
            }
        }
    }

    /** {@link System#nanoTime()} when the subscription's apply worker runs, -1 on a stop request. */
    private long awaitWorker(Connection target, BooleanSupplier stopRequested) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + STALL_MS * 1_000_000L;
        try (PreparedStatement query = target.prepareStatement("SELECT 1 FROM pg_catalog.pg_stat_subscription"
                + " WHERE subname = ? AND relid IS NULL AND pid IS NOT NULL")) {
            query.setString(1, name);
            while (true) {
                try (ResultSet row = query.executeQuery()) {
                    if (row.next()) {
                        return System.nanoTime();
                    }
                }
                if (stopRequested.getAsBoolean()) {
                    return -1;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new EngineException(Failure.TARGET_NOT_READY, "the apply worker of subscription " + name + " did not start"
                            + " within " + STALL_MS / 1000 + " s of ALTER SUBSCRIPTION ... ENABLE: check"
                            + " max_logical_replication_workers and max_worker_processes on the target, and its log");
                }
                Thread.sleep(1);
            }
        }
    }

    /**
     * Removes the subscription without asking the target to reach the source: disabled, detached
     * from its slot, dropped. The caller drops the slot on the source.
     */
    public void dropSubscription(Connection target) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
            statement.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
            statement.execute("DROP SUBSCRIPTION " + name);
        }
    }

    public void dropPublication(Connection source) throws SQLException {
        try (Statement statement = source.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + name);
        }
    }

    private boolean exists(Connection sql, String query) throws SQLException {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }
}
