package io.walferry.testkit;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A running PostgreSQL server configured for logical replication ({@code wal_level=logical},
 * slots, senders and prepared transactions to spare), shared by every test of the JVM.
 *
 * <p>Because the server is shared, a test isolates itself by working in databases of its own
 * from {@link #createDatabase(String)}, and by giving its slots and publications names that
 * cannot clash with other tests'.
 *
 * <p>Obtain one from {@link TestPostgres#server(int)} or as a parameter resolved by
 * {@link PostgresExtension}.
 */
public interface PgServer {

    /** Host name or address the server listens on, as clients should use it. */
    String host();

    /** TCP port the server listens on. */
    int port();

    /** Login role: a superuser on embedded and Testcontainers servers. */
    String user();

    /** Password of {@link #user()}, or null when the server needs none (embedded servers trust local logins). */
    String password();

    /** Major version, from {@code server_version_num}: 14, 17, 18, ... */
    int majorVersion();

    /**
     * JDBC URL of {@code database}, carrying user and (if any) password as parameters, so that
     * {@code DriverManager.getConnection(jdbcUrl(db))} works on its own. Do not log it.
     */
    String jdbcUrl(String database);

    /**
     * libpq URL of {@code database}: {@code postgresql://user@host:port/database}, with
     * {@code user:password@} when there is a password. Do not log it.
     */
    String libpqUrl(String database);

    /** A plain JDBC connection to {@code database}, in auto-commit mode. The caller closes it. */
    Connection connect(String database) throws SQLException;

    /**
     * A pgjdbc logical replication connection ({@code replication=database}, simple query
     * mode) to {@code database}: runs replication commands such as {@code IDENTIFY_SYSTEM} and
     * unwraps to {@link org.postgresql.PGConnection} for the replication API. The caller
     * closes it.
     */
    Connection connectReplication(String database) throws SQLException;

    /**
     * Creates a new, empty database named {@code prefix_N} (N counting up per server, skipping
     * names already taken) and returns its name.
     *
     * @param prefix lower-case letters, digits and underscores, starting with a letter, at
     *               most 40 characters
     */
    String createDatabase(String prefix) throws SQLException;

    /**
     * What and where the server is, without credentials, e.g.
     * {@code embedded PostgreSQL 17.6 on localhost:54321}.
     */
    String describe();

    /** Whether {@link #restart()} works here: on embedded servers, which the test kit runs itself. */
    default boolean canRestart() {
        return false;
    }

    /**
     * Stops the server with a fast shutdown (every session is terminated, as in a real restart;
     * slots and data stay) and starts it again on the same data directory and port, and returns once
     * it accepts connections again. The server is shared: only a test that runs alone on it may do
     * this (the test kit runs tests one at a time). Guard with {@link #canRestart()} and skip
     * otherwise.
     *
     * @throws UnsupportedOperationException on Testcontainers and external servers
     */
    default void restart() {
        throw new UnsupportedOperationException(describe() + " cannot be restarted by the test kit: only embedded"
                + " servers can (WALFERRY_TEST_BACKEND=embedded); guard the test with assumeTrue(server.canRestart())");
    }
}
