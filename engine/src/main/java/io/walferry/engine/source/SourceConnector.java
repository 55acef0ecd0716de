package io.walferry.engine.source;

import io.walferry.engine.EngineException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens connections to one source: ordinary SQL connections, and logical replication (walsender)
 * connections. Failures become {@link EngineException}s that name the server and never the
 * password. Each connection belongs to the thread that opened it.
 */
public final class SourceConnector {
    private static final Logger LOG = LoggerFactory.getLogger(SourceConnector.class);

    private final ConnectionSpec spec;

    public SourceConnector(ConnectionSpec spec) {
        this.spec = spec;
    }

    public ConnectionSpec spec() {
        return spec;
    }

    /** An ordinary connection in auto-commit mode. */
    public Connection openSql() {
        LOG.debug("connecting to {}", spec);
        try {
            return DriverManager.getConnection(spec.jdbcUrl(), spec.jdbcProperties());
        } catch (SQLException e) {
            throw SourceErrors.connectFailed(e, spec);
        }
    }

    /**
     * A logical replication connection to the database ({@code replication=database}). An ordinary
     * connection should have been opened first: then a failure here is a replication-specific one
     * (privilege, {@code max_wal_senders}), and is reported as the source not being ready.
     */
    public PGConnection openReplication() {
        return openReplication(null);
    }

    /**
     * A logical replication connection whose socket reports every receipt to {@code watch} (unless
     * the connection string names a socket factory of its own), as {@link #openReplication()}.
     */
    public PGConnection openReplication(ReceiveWatch watch) {
        LOG.debug("opening a replication connection to {}", spec);
        Properties properties = spec.replicationProperties();
        String key = watch != null && properties.getProperty("socketFactory") == null
                ? watch.register(properties) : null;
        try {
            Connection connection = DriverManager.getConnection(spec.jdbcUrl(), properties);
            return connection.unwrap(PGConnection.class);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().equals(PSQLState.CONNECTION_UNABLE_TO_CONNECT.getState())) {
                throw SourceErrors.connectFailed(e, spec);
            }
            throw SourceErrors.failed(e, "opening a replication connection to " + spec.describe(),
                    "user \"" + spec.user() + "\" needs the REPLICATION attribute (ALTER ROLE " + spec.user()
                            + " REPLICATION), a free walsender (max_wal_senders) and a pg_hba.conf line for database \""
                            + spec.database() + "\"");
        } finally {
            if (key != null) {
                ReceiveWatch.unregister(key);
            }
        }
    }
}
