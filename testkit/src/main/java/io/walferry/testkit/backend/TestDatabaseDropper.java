package io.walferry.testkit.backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the databases tests created on a server the kit does not own, together with what
 * would make {@code DROP DATABASE} refuse: prepared transactions and subscriptions inside
 * the database, and replication slots on it (after ending the walsenders that hold them).
 * Best effort: what cannot be dropped is logged with its name, for a human to remove.
 */
final class TestDatabaseDropper {
    private static final Logger LOG = LoggerFactory.getLogger(TestDatabaseDropper.class);
    private static final long SLOT_RELEASE_WAIT_MS = 5_000;
    private static final long POLL_INTERVAL_MS = 50;
    /** First version with {@code DROP DATABASE ... WITH (FORCE)}. */
    private static final int FORCE_DROP_MAJOR = 13;

    private TestDatabaseDropper() {
    }

    static void dropCreatedDatabases(PgServerEndpoint server) {
        for (String database : server.createdDatabases()) {
            try {
                drop(server, database);
                LOG.info("dropped test database {} on {}", database, server.describe());
            } catch (SQLException | RuntimeException e) {
                LOG.warn("could not drop test database {} on {}: {}; drop it by hand", database,
                    server.describe(), e.getMessage());
            }
        }
    }

    private static void drop(PgServerEndpoint server, String database) throws SQLException {
        try (Connection connection = server.connect(database)) {
            rollBackPreparedTransactions(connection);
            dropSubscriptions(connection);
        }
        try (Connection connection = server.connect(server.address().database())) {
            dropReplicationSlots(connection, database);
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + database
                    + (server.majorVersion() >= FORCE_DROP_MAJOR ? " WITH (FORCE)" : ""));
            }
        }
    }

    /** Prepared transactions can only be finished from their own database. */
    private static void rollBackPreparedTransactions(Connection connection) throws SQLException {
        for (String gid : strings(connection,
                "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ROLLBACK PREPARED " + quoteLiteral(gid));
            }
        }
    }

    /** Detaching the slot first lets DROP SUBSCRIPTION succeed even when the publisher is gone. */
    private static void dropSubscriptions(Connection connection) throws SQLException {
        for (String subscription : strings(connection, "SELECT quote_ident(subname) FROM pg_subscription"
                + " WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER SUBSCRIPTION " + subscription + " DISABLE");
                statement.execute("ALTER SUBSCRIPTION " + subscription + " SET (slot_name = NONE)");
                statement.execute("DROP SUBSCRIPTION " + subscription);
            }
        }
    }

    private static void dropReplicationSlots(Connection connection, String database) throws SQLException {
        try (PreparedStatement terminate = connection.prepareStatement("SELECT pg_terminate_backend(active_pid)"
                + " FROM pg_replication_slots WHERE database = ? AND active_pid IS NOT NULL")) {
            terminate.setString(1, database);
            terminate.execute();
        }
        awaitSlotsReleased(connection, database);
        try (PreparedStatement drop = connection.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = ?")) {
            drop.setString(1, database);
            drop.execute();
        }
    }

    /** Terminating a walsender is asynchronous; its slot stays active until it has exited. */
    private static void awaitSlotsReleased(Connection connection, String database) throws SQLException {
        long deadlineMs = System.currentTimeMillis() + SLOT_RELEASE_WAIT_MS;
        try (PreparedStatement active = connection.prepareStatement(
                "SELECT count(*) FROM pg_replication_slots WHERE database = ? AND active")) {
            active.setString(1, database);
            while (System.currentTimeMillis() < deadlineMs) {
                try (ResultSet row = active.executeQuery()) {
                    row.next();
                    if (row.getLong(1) == 0) {
                        return;
                    }
                }
                try {
                    Thread.sleep(POLL_INTERVAL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static List<String> strings(Connection connection, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static String quoteLiteral(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
