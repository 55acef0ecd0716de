package io.walferry.applier.session;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.engine.source.ConnectionSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the applier's connections to the target, each set up the way PostgreSQL's own apply worker
 * sets up its session:
 * <ul>
 *   <li>{@code session_replication_role = replica}: ordinary triggers and foreign-key checks do not
 *       fire, since the source already ran them (needs a superuser, or on PostgreSQL 15+
 *       {@code GRANT SET ON PARAMETER session_replication_role});</li>
 *   <li>{@code search_path = ''}: no object a user can create shadows the ones the applier names;</li>
 *   <li>{@code statement_timeout} and {@code idle_in_transaction_session_timeout} off: a large
 *       statement, or a streamed transaction idle between its blocks, must not be cut short;</li>
 *   <li>auto-commit off; {@code synchronous_commit} at least {@code local}: a commit returns only
 *       once it is flushed on the target, because its end LSN is then confirmed to the source and
 *       the source may recycle the WAL. A target configured {@code off} would lose confirmed
 *       changes in a crash; {@code on}, {@code remote_write} or {@code remote_apply} are kept;</li>
 *   <li>{@code application_name} {@code walferry apply <pipeline>}.</li>
 * </ul>
 * Failures name the server (never the password) and say what to do.
 */
public final class TargetConnector {
    private static final Logger LOG = LoggerFactory.getLogger(TargetConnector.class);
    private static final String[] SESSION_SETTINGS = {
        "SET search_path = ''",
        "SET statement_timeout = 0",
        "SET idle_in_transaction_session_timeout = 0",
        "SELECT pg_catalog.set_config('synchronous_commit', 'local', false)"
                + " WHERE pg_catalog.current_setting('synchronous_commit') = 'off'",
    };

    private final ConnectionSpec spec;

    public TargetConnector(ConnectionSpec target, String pipelineName) {
        this.spec = target.withApplicationName("walferry apply " + pipelineName);
    }

    /** The target for messages: {@code db1:5432 (database "shop", user "app")}. */
    public String describe() {
        return spec.describe();
    }

    /** A connection to the target with the applier's session settings, in a fresh transaction. */
    public Connection connect() {
        LOG.debug("connecting to the target {}", spec);
        Connection connection;
        try {
            connection = DriverManager.getConnection(spec.jdbcUrl(), spec.jdbcProperties());
        } catch (SQLException e) {
            throw new ApplyException(ApplyFailure.of(e), "cannot connect to the target " + spec.describe() + ": "
                    + TargetErrors.describe(e) + "; check the target's host, port, database name and credentials", e);
        }
        try {
            configure(connection);
            return connection;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            if (e instanceof ApplyException) {
                throw (ApplyException) e;
            }
            SQLException error = (SQLException) e;
            throw new ApplyException(ApplyFailure.of(error), "cannot set up the apply session on the target "
                    + spec.describe() + ": " + TargetErrors.describe(error), error);
        }
    }

    private void configure(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try {
                statement.execute("SET session_replication_role = replica");
            } catch (SQLException e) {
                if ("42501".equals(e.getSQLState())) {
                    throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "user \"" + spec.user()
                            + "\" may not set session_replication_role on the target " + spec.describe()
                            + ": walferry applies changes with session_replication_role = replica so that triggers"
                            + " and foreign-key checks do not fire twice; connect as a superuser, or on PostgreSQL 15"
                            + " or later run GRANT SET ON PARAMETER session_replication_role TO \"" + spec.user() + "\"", e);
                }
                throw e;
            }
            for (String setting : SESSION_SETTINGS) {
                statement.execute(setting);
            }
        }
        connection.setAutoCommit(false);
    }

    /** Closes {@code connection}, logging (at debug) instead of throwing when that fails. */
    public static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a target connection failed", e);
        }
    }
}
