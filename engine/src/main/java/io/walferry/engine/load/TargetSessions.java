package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Connections to the target for the load, in manual-commit mode, set up like the applier's:
 * {@code session_replication_role = replica} (user triggers and foreign-key checks of an existing
 * schema do not fire for copied rows), an empty {@code search_path}, no statement, lock, idle or
 * transaction timeouts.
 * Two settings differ, both safe because every load transaction records its own completion in
 * the target: {@code synchronous_commit = off} (a transaction lost in a target crash is lost with
 * its record, and is redone), and a {@code maintenance_work_mem} of at least 256 MB for the index
 * builds.
 */
final class TargetSessions {
    /**
     * {@code idle_session_timeout} (14+) and {@code transaction_timeout} (17+) off where the server
     * has them: a role or database setting must not cut a load's long transactions or its control
     * connections, idle while the jobs copy.
     */
    static final String NO_SESSION_TIMEOUTS = "SELECT pg_catalog.set_config(name, '0', false) FROM pg_catalog.pg_settings"
            + " WHERE name IN ('idle_session_timeout', 'transaction_timeout')";

    private static final String[] SETTINGS = {
        "SET search_path = ''",
        "SET statement_timeout = 0",
        "SET lock_timeout = 0",
        "SET idle_in_transaction_session_timeout = 0",
        TargetSessions.NO_SESSION_TIMEOUTS,
        "SET synchronous_commit = off",
        "SELECT pg_catalog.set_config('maintenance_work_mem', '256MB', false)"
                + " WHERE pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')) < 268435456",
    };

    private TargetSessions() {
    }

    static Connection open(ConnectionSpec target) {
        Connection connection;
        try {
            connection = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
        } catch (SQLException e) {
            throw new EngineException(Failure.CANNOT_CONNECT, "cannot connect to the target at " + target.describe()
                    + ": " + SourceErrors.message(e) + ". Check the target's host, port, database name and credentials.", e);
        }
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute("SET session_replication_role = replica");
            } catch (SQLException e) {
                if ("42501".equals(e.getSQLState())) {
                    throw new EngineException(Failure.TARGET_NOT_READY, "user \"" + target.user() + "\" may not set"
                            + " session_replication_role on the target " + target.describe() + ": walferry writes with"
                            + " session_replication_role = replica so that triggers and foreign-key checks do not fire"
                            + " twice; connect as a superuser, or on PostgreSQL 15 or later run GRANT SET ON PARAMETER"
                            + " session_replication_role TO \"" + target.user() + "\"", e);
                }
                throw e;
            }
            for (String setting : SETTINGS) {
                statement.execute(setting);
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            throw TargetFailures.failed((SQLException) e, "setting up a load session on the target " + target.describe());
        }
    }
}
