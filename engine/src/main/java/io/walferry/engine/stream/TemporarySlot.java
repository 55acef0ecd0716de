package io.walferry.engine.stream;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Temporary logical replication slots for pgoutput: created with {@code CREATE_REPLICATION_SLOT}
 * on the replication connection that will stream from them (a temporary slot belongs to its
 * session, and PostgreSQL drops it when the session ends), without exporting a snapshot, and with
 * two-phase decoding when asked (PostgreSQL 15+).
 */
public final class TemporarySlot {
    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    private TemporarySlot() {
    }

    /** The {@code CREATE_REPLICATION_SLOT} command for this server version. */
    public static String createCommand(String name, int serverVersionNum, boolean twoPhase) {
        requireValidName(name);
        if (serverVersionNum >= 150000) {
            return "CREATE_REPLICATION_SLOT " + name + " TEMPORARY LOGICAL pgoutput (SNAPSHOT 'nothing'"
                    + (twoPhase ? ", TWO_PHASE true)" : ")");
        }
        if (twoPhase) {
            throw new IllegalArgumentException("two-phase slots need PostgreSQL 15 or later (server_version_num "
                    + serverVersionNum + ")");
        }
        return "CREATE_REPLICATION_SLOT " + name + " TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT";
    }

    /** Creates the slot on {@code replicationConnection}; returns its consistent point. */
    public static long create(Connection replicationConnection, String name, int serverVersionNum, boolean twoPhase) {
        String command = createCommand(name, serverVersionNum, twoPhase);
        try (Statement statement = replicationConnection.createStatement()) {
            statement.execute(command);
            try (ResultSet rows = statement.getResultSet()) {
                if (rows == null || !rows.next()) {
                    throw new EngineException(Failure.PROTOCOL, "CREATE_REPLICATION_SLOT " + name
                            + " returned no row (expected: slot_name, consistent_point, snapshot_name, output_plugin)");
                }
                return Lsn.parse(rows.getString("consistent_point"));
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "creating the temporary replication slot " + name,
                    "the source needs a free replication slot (max_replication_slots) and wal_level = logical");
        }
    }

    /** Drops the slot with {@code DROP_REPLICATION_SLOT} on the replication connection that owns it. */
    public static void drop(Connection replicationConnection, String name) throws SQLException {
        requireValidName(name);
        try (Statement statement = replicationConnection.createStatement()) {
            statement.execute("DROP_REPLICATION_SLOT " + name);
        }
    }

    /**
     * Waits until {@code pg_replication_slots} no longer lists the slot: a temporary slot goes away
     * when its walsender exits, which happens a moment after the client closes the connection.
     * Returns whether it has gone within {@code timeout}.
     */
    public static boolean awaitGone(Connection sqlConnection, String name, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement query = sqlConnection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, name);
            while (true) {
                try (ResultSet rows = query.executeQuery()) {
                    if (!rows.next()) {
                        return true;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                try {
                    Thread.sleep(20); // polling the catalog: the walsender's exit cannot be awaited otherwise
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private static void requireValidName(String name) {
        if (!VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("slot name: " + name
                    + " (expected: 1 to 63 lower-case letters, digits and underscores)");
        }
    }
}
