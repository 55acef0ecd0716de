package io.walferry.cli.bench;

import io.walferry.decoder.Lsn;
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
 * so that it sees the same WAL as walferry; enabled to drain the backlog, timed until its slot's
 * {@code confirmed_flush_lsn} reaches the end of the workload; removed at the end.
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
     * Enables the subscription and waits until its slot has confirmed {@code endLsn}: every change up
     * to it is applied and flushed on the target. Returns the seconds from the ENABLE until then.
     *
     * @param stopRequested polled while waiting; when it says so, returns -1
     * @throws IllegalStateException when the slot stops moving for a minute (the subscription's
     *                               worker failed: the target's log says why)
     */
    public double drain(Connection source, Connection target, long endLsn, BooleanSupplier stopRequested)
            throws SQLException, InterruptedException {
        long started = System.nanoTime();
        try (Statement statement = target.createStatement()) {
            statement.execute("ALTER SUBSCRIPTION " + name + " ENABLE");
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
                    return (now - started) / 1e9;
                }
                if (confirmed != lastConfirmed) {
                    lastConfirmed = confirmed;
                    lastMoved = now;
                } else if (now - lastMoved > STALL_MS * 1_000_000L) {
                    throw new IllegalStateException("the subscription " + name + " on the target has not advanced its"
                            + " slot for " + STALL_MS / 1000 + " s, at " + Lsn.format(confirmed) + " of "
                            + Lsn.format(endLsn) + ": its apply worker probably failed; the target's server log says why");
                }
                if (stopRequested.getAsBoolean()) {
                    return -1;
                }
                Thread.sleep(POLL_MS);
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
