package io.walferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

class ServerVersionsIT {

    /** Starts every version at once: the servers are needed anyway, and this exercises concurrent start-up. */
    @BeforeAll
    static void startEveryVersionInParallel() {
        List<CompletableFuture<PgServer>> starts = TestPostgres.versions().stream()
            .map(version -> CompletableFuture.supplyAsync(() -> TestPostgres.server(version)))
            .toList();
        for (CompletableFuture<PgServer> start : starts) {
            try {
                start.join();
            } catch (CompletionException e) {
                // Rethrow the cause as is, so that a skip (TestAbortedException) stays a skip.
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldRunRequestedMajorVersionWithLogicalWal(int version) throws SQLException {
        PgServer server = TestPostgres.server(version);

        try (Connection connection = server.connect("postgres")) {
            assertThat(Integer.parseInt(setting(connection, "server_version_num")) / 10_000).isEqualTo(version);
            assertThat(setting(connection, "wal_level")).isEqualTo("logical");
        }
        assertThat(server.majorVersion()).isEqualTo(version);
        assertThat(server.describe()).matches(".*PostgreSQL " + version + "\\.\\d+ on .*:" + server.port());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldApplyTestSettingsToServersItStarts(int version) throws SQLException {
        assumeFalse(TestPostgres.backend().equals("external"), "external servers keep their own settings");
        PgServer server = TestPostgres.server(version);

        try (Connection connection = server.connect("postgres")) {
            assertThat(setting(connection, "max_replication_slots")).isEqualTo("32");
            assertThat(setting(connection, "max_wal_senders")).isEqualTo("32");
            assertThat(setting(connection, "max_prepared_transactions")).isEqualTo("16");
            assertThat(setting(connection, "logical_decoding_work_mem")).isEqualTo("64kB");
            assertThat(setting(connection, "fsync")).isEqualTo("off");
            assertThat(setting(connection, "full_page_writes")).isEqualTo("off");
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldHandOutTheSameServerForTheSameVersion(int version) {
        assertThat(TestPostgres.server(version)).isSameAs(TestPostgres.server(version));
    }

    @Test
    void shouldRunEachVersionOnItsOwnPort() {
        List<Integer> ports = TestPostgres.versions().stream().map(v -> TestPostgres.server(v).port()).toList();

        assertThat(ports).doesNotHaveDuplicates();
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('" + name + "')")) {
            row.next();
            return row.getString(1);
        }
    }
}
