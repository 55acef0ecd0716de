package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.PgServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** A fresh database on a test server, with the SQL the peek tests run against it. */
final class SourceDatabase implements AutoCloseable {
    final PgServer server;
    final String name;
    Connection sql;

    SourceDatabase(PgServer server, String prefix) throws SQLException {
        this.server = server;
        this.name = server.createDatabase(prefix);
        this.sql = server.connect(name);
    }

    /** Opens {@link #sql} again, after the server restarted. */
    void reconnect() throws SQLException {
        try {
            sql.close();
        } catch (SQLException ignored) {
            // the old session died with the server
        }
        sql = server.connect(name);
    }

    String url() {
        return server.libpqUrl(name);
    }

    void execute(String... statements) throws SQLException {
        try (Statement statement = sql.createStatement()) {
            for (String command : statements) {
                statement.execute(command);
            }
        }
    }

    long count(String query) throws SQLException {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            if (query.contains("?")) {
                statement.setString(1, name);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /**
     * Waits until peek streams from its temporary slot for this database: changes committed from
     * then on are streamed. The slot row alone is not enough: it is visible (and active) while
     * CREATE_REPLICATION_SLOT still builds its snapshot, and a transaction that starts then commits
     * before the slot's consistent point and is never decoded. Its walsender reaching catchup or
     * streaming means START_REPLICATION ran, so the slot is complete.
     */
    void awaitPeekSlot() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count("SELECT count(*) FROM pg_catalog.pg_replication_slots s JOIN pg_catalog.pg_stat_replication r"
                + " ON r.pid = s.active_pid WHERE s.slot_name LIKE 'walferry\\_peek\\_%' AND s.database = ?"
                + " AND r.state IN ('catchup', 'streaming')") == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no walferry_peek slot appeared for database " + name);
            }
            Thread.sleep(20); // polling the catalog: slot creation has no event to wait on
        }
    }

    long peekSlots() throws SQLException {
        return count("SELECT count(*) FROM pg_catalog.pg_replication_slots"
                + " WHERE slot_name LIKE 'walferry\\_peek\\_%' AND database = ?");
    }

    long peekPublications() throws SQLException {
        return count("SELECT count(*) FROM pg_catalog.pg_publication WHERE pubname LIKE 'walferry\\_peek\\_%'");
    }

    /** Peek left nothing behind: checked at once, because peek waits for its slot to go before it returns. */
    void assertNoLeftovers() throws SQLException {
        assertThat(peekSlots()).as("walferry_peek slots left in pg_replication_slots").isZero();
        assertThat(peekPublications()).as("walferry_peek publications left in pg_publication").isZero();
    }

    @Override
    public void close() throws SQLException {
        sql.close();
    }
}
