package io.walferry.testkit.backend;

import io.walferry.testkit.PgServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.postgresql.PGProperty;

/**
 * The {@link PgServer} every backend hands out: a server address plus what was learnt from
 * the server when it was first reached (its version). Remembers the databases it created, so
 * that a backend that does not own the server can drop them again.
 */
public final class PgServerEndpoint implements PgServer {

    /** SQLSTATE duplicate_database: another run (or test) already took the name. */
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final Pattern DATABASE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private final ServerAddress address;
    private final String origin;
    private final int majorVersion;
    private final String versionText;
    private final AtomicInteger databaseCounter = new AtomicInteger();
    private final Set<String> createdDatabases = ConcurrentHashMap.newKeySet();
    private volatile Restarter restarter;

    /** Restarts a server the backend runs itself. */
    interface Restarter {
        void restart() throws IOException;
    }

    private PgServerEndpoint(ServerAddress address, String origin, int majorVersion, String versionText) {
        this.address = address;
        this.origin = origin;
        this.majorVersion = majorVersion;
        this.versionText = versionText;
    }

    /**
     * Connects to the server once to learn its version.
     *
     * @param origin how the server came to be, first word of {@link #describe()}: {@code embedded},
     *               {@code Testcontainers postgres:17}, {@code external}
     */
    public static PgServerEndpoint open(ServerAddress address, String origin) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                 address.jdbcUrlWithoutCredentials(address.database()), address.credentials());
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                 "SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            row.next();
            int versionNumber = row.getInt(1);
            // server_version may carry a packager suffix: "17.6 (Debian 17.6-1.pgdg120+1)".
            String versionText = row.getString(2).split(" ", 2)[0];
            return new PgServerEndpoint(address, origin, versionNumber / 10_000, versionText);
        }
    }

    /** Makes {@link #restart()} work, through the backend that runs the server. */
    void allowRestart(Restarter how) {
        this.restarter = how;
    }

    @Override
    public boolean canRestart() {
        return restarter != null;
    }

    @Override
    public void restart() {
        Restarter how = restarter;
        if (how == null) {
            PgServer.super.restart();
            return;
        }
        try {
            how.restart();
        } catch (IOException e) {
            throw new UncheckedIOException("restarting " + describe() + " failed: " + e.getMessage(), e);
        }
    }

    /** Where the server listens and how to log in. */
    public ServerAddress address() {
        return address;
    }

    /** Full version without packager suffix, e.g. {@code 17.6}. */
    public String versionText() {
        return versionText;
    }

    /** Names of the databases {@link #createDatabase(String)} has created so far. */
    public List<String> createdDatabases() {
        return List.copyOf(createdDatabases);
    }

    @Override
    public String host() {
        return address.host();
    }

    @Override
    public int port() {
        return address.port();
    }

    @Override
    public String user() {
        return address.user();
    }

    @Override
    public String password() {
        return address.password();
    }

    @Override
    public int majorVersion() {
        return majorVersion;
    }

    @Override
    public String jdbcUrl(String database) {
        return address.jdbcUrl(database);
    }

    @Override
    public String libpqUrl(String database) {
        return address.libpqUrl(database);
    }

    @Override
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(address.jdbcUrlWithoutCredentials(database), address.credentials());
    }

    @Override
    public Connection connectReplication(String database) throws SQLException {
        Properties properties = address.credentials();
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection(address.jdbcUrlWithoutCredentials(database), properties);
    }

    @Override
    public String createDatabase(String prefix) throws SQLException {
        if (prefix == null || !DATABASE_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("database prefix: " + prefix
                + " (expected: lower-case letters, digits and underscores, starting with a letter, at most 40)");
        }
        try (Connection connection = connect(address.database());
             Statement statement = connection.createStatement()) {
            while (true) {
                String name = prefix + "_" + databaseCounter.incrementAndGet();
                try {
                    // template0 never has sessions, so concurrent CREATE DATABASE calls cannot
                    // trip over each other, and it holds nothing an external server's
                    // template1 may have gained.
                    statement.execute("CREATE DATABASE " + name + " TEMPLATE template0");
                    createdDatabases.add(name);
                    return name;
                } catch (SQLException e) {
                    if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public String describe() {
        return origin + " PostgreSQL " + versionText + " on " + address.hostAndPort();
    }

    @Override
    public String toString() {
        return describe();
    }
}
