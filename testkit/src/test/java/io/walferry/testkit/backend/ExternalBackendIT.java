package io.walferry.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Points the external backend at servers the kit started, named by URL as a user would. */
class ExternalBackendIT {
    private final PgServer embedded = TestPostgres.server(TestPostgres.newestVersion());

    @Test
    void shouldHandOutServerNamedByJdbcUrlWhateverVersionIsAsked() {
        ExternalBackend backend = new ExternalBackend(
            ServerAddress.parse(embedded.jdbcUrl("postgres"), BackendConfig.PG_URL), null, "no target");

        PgServer server = backend.server(14, ServerRole.SOURCE);

        assertThat(server.port()).isEqualTo(embedded.port());
        assertThat(backend.server(17, ServerRole.SOURCE)).isSameAs(server);
        assertThat(backend.versions()).containsExactly(embedded.majorVersion());
        assertThat(server.describe()).startsWith("external PostgreSQL " + embedded.majorVersion() + ".");
        assertThatThrownBy(() -> backend.server(17, ServerRole.TARGET))
            .isInstanceOf(TestAbortedException.class)
            .hasMessage("no target");
    }

    @Test
    void shouldDropCreatedDatabasesWithTheirSlotsAndPreparedTransactionsOnClose() throws SQLException {
        ExternalBackend backend = new ExternalBackend(
            ServerAddress.parse(embedded.libpqUrl("postgres"), BackendConfig.PG_URL), null, "no target");
        PgServer server = backend.server(embedded.majorVersion(), ServerRole.SOURCE);
        String database = server.createDatabase("external");
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_create_logical_replication_slot('" + database + "_slot', 'pgoutput')");
            statement.execute("CREATE TABLE t (id int)");
            statement.execute("BEGIN");
            statement.execute("INSERT INTO t VALUES (1)");
            statement.execute("PREPARE TRANSACTION '" + database + "_gid'");
        }

        backend.close();

        assertThat(exists("SELECT 1 FROM pg_database WHERE datname = ?", database)).isFalse();
        assertThat(exists("SELECT 1 FROM pg_replication_slots WHERE database = ?", database)).isFalse();
        assertThat(exists("SELECT 1 FROM pg_prepared_xacts WHERE database = ?", database)).isFalse();
    }

    private boolean exists(String query, String database) throws SQLException {
        try (Connection connection = embedded.connect("postgres");
             PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, database);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }
}
