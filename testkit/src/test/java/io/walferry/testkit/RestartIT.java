package io.walferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** An embedded server restarts on its data directory and port, and ends the sessions it had. */
class RestartIT {

    @Test
    void shouldKeepDataAndPortAndEndOpenSessionsWhenRestarted() throws Exception {
        PgServer server = TestPostgres.server(TestPostgres.newestVersion());
        assumeTrue(server.canRestart(), server.describe() + " cannot be restarted");
        String database = server.createDatabase("restart");
        try (Connection before = server.connect(database); Statement statement = before.createStatement()) {
            statement.execute("CREATE TABLE kept (id int)");
            statement.execute("INSERT INTO kept VALUES (1), (2)");
            long startedBefore = startTimeMicros(statement);

            server.restart();

            assertThatThrownBy(() -> statement.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
            try (Connection after = server.connect(database); Statement again = after.createStatement();
                 ResultSet rows = again.executeQuery("SELECT count(*) FROM kept")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(2);
                assertThat(startTimeMicros(again)).isGreaterThan(startedBefore);
            }
        }
    }

    private static long startTimeMicros(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery(
                "SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::bigint")) {
            row.next();
            return row.getLong(1);
        }
    }
}
