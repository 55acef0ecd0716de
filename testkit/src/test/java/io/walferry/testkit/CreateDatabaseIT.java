package io.walferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CreateDatabaseIT {
    private final PgServer server = TestPostgres.server(TestPostgres.newestVersion());

    @Test
    void shouldCreateDistinctDatabasesThatDoNotSeeEachOthersTables() throws SQLException {
        String first = server.createDatabase("orders");
        String second = server.createDatabase("orders");

        assertThat(first).startsWith("orders_").isNotEqualTo(second);
        execute(first, "CREATE TABLE orders (id bigint PRIMARY KEY)", "INSERT INTO orders VALUES (1), (2)");
        execute(second, "CREATE TABLE orders (id bigint PRIMARY KEY)");
        assertThat(count(first)).isEqualTo(2);
        assertThat(count(second)).isZero();
    }

    @Test
    void shouldCreateDistinctDatabasesFromConcurrentTests() {
        List<CompletableFuture<String>> creations = IntStream.range(0, 4)
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> createDatabase("concurrent")))
            .toList();

        List<String> names = creations.stream().map(CompletableFuture::join).toList();

        assertThat(names).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void shouldGiveUsableUrlsForTheNewDatabase() throws SQLException {
        String database = server.createDatabase("urls");

        assertThat(server.libpqUrl(database))
            .startsWith("postgresql://" + server.user() + (server.password() == null ? "@" : ":"))
            .endsWith("@" + server.host() + ":" + server.port() + "/" + database);
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(database));
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_database()")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo(database);
        }
    }

    @Test
    void shouldRejectPrefixesThatAreNotPlainIdentifiers() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> server.createDatabase("Orders; DROP DATABASE postgres"))
            .withMessageStartingWith("database prefix: ");
    }

    private String createDatabase(String prefix) {
        try {
            return server.createDatabase(prefix);
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    private void execute(String database, String... statements) throws SQLException {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private long count(String database) throws SQLException {
        try (Connection connection = server.connect(database);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM orders")) {
            row.next();
            return row.getLong(1);
        }
    }
}
