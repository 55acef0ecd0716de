package io.walferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerPairIT {

    @Test
    void shouldRunSourceAndTargetOfTheSameVersionAsTwoProcesses() throws SQLException {
        int version = TestPostgres.newestVersion();
        PgPair pair = TestPostgres.pair(version, version);

        assertThat(pair.source().port()).isNotEqualTo(pair.target().port());
        assertThat(systemIdentifier(pair.source())).isNotEqualTo(systemIdentifier(pair.target()));
        assertThat(pair.source().majorVersion()).isEqualTo(version);
        assertThat(pair.target().majorVersion()).isEqualTo(version);
    }

    @Test
    void shouldShareTheSourceWithServerOfTheSameVersion() {
        int version = TestPostgres.newestVersion();

        assertThat(TestPostgres.pair(version, version).source()).isSameAs(TestPostgres.server(version));
        assertThat(TestPostgres.pair(version, version).target()).isSameAs(TestPostgres.pair(version, version).target());
    }

    @Test
    void shouldPairOldestSourceWithNewestTarget() {
        int oldest = TestPostgres.versions().get(0);
        int newest = TestPostgres.newestVersion();
        PgPair pair = TestPostgres.pair(oldest, newest);

        assertThat(pair.source().majorVersion()).isEqualTo(oldest);
        assertThat(pair.target().majorVersion()).isEqualTo(newest);
        assertThat(pair.source().port()).isNotEqualTo(pair.target().port());
    }

    @Test
    void shouldLetTargetSubscribeToSourceThroughLibpqUrl() throws Exception {
        int version = TestPostgres.newestVersion();
        PgPair pair = TestPostgres.pair(version, version);
        String sourceDatabase = pair.source().createDatabase("publisher");
        String targetDatabase = pair.target().createDatabase("subscriber");
        String subscription = "sub_" + targetDatabase;
        execute(pair.source(), sourceDatabase, "CREATE TABLE items (id int PRIMARY KEY)",
            "CREATE PUBLICATION items_pub FOR TABLE items");
        execute(pair.target(), targetDatabase, "CREATE TABLE items (id int PRIMARY KEY)",
            "CREATE SUBSCRIPTION " + subscription + " CONNECTION '" + pair.source().libpqUrl(sourceDatabase)
                + "' PUBLICATION items_pub");
        try {
            execute(pair.source(), sourceDatabase, "INSERT INTO items VALUES (1), (2), (3)");

            assertThat(awaitRowCount(pair.target(), targetDatabase, 3, Duration.ofSeconds(30))).isEqualTo(3);
        } finally {
            execute(pair.target(), targetDatabase, "DROP SUBSCRIPTION " + subscription);
        }
    }

    private static void execute(PgServer server, String database, String... statements) throws SQLException {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Polls until the table holds {@code expected} rows or the timeout passes; returns the last count. */
    private static long awaitRowCount(PgServer server, String database, long expected, Duration timeout)
            throws SQLException, InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            while (true) {
                try (ResultSet row = statement.executeQuery("SELECT count(*) FROM items")) {
                    row.next();
                    long count = row.getLong(1);
                    if (count == expected || System.nanoTime() > deadlineNanos) {
                        return count;
                    }
                }
                Thread.sleep(20);
            }
        }
    }

    private static long systemIdentifier(PgServer server) throws SQLException {
        try (Connection connection = server.connect("postgres");
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT system_identifier FROM pg_control_system()")) {
            row.next();
            return row.getLong(1);
        }
    }
}
