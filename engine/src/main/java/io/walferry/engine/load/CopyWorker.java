package io.walferry.engine.load;

import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One copy job: a source connection inside a read-only repeatable-read transaction that imported
 * the load's snapshot (kept open for the whole copy, so every table this job reads is read as of
 * the same instant), with row-level security off and no timeouts, and a target connection.
 */
final class CopyWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CopyWorker.class);

    private final int number;
    private final Connection source;
    private final Connection target;

    private CopyWorker(int number, Connection source, Connection target) {
        this.number = number;
        this.source = source;
        this.target = target;
    }

    /** Opens both connections and imports {@code snapshot} on the source's. */
    static CopyWorker open(SourceConnector connector, ConnectionSpec targetSpec, String snapshot, int number) {
        Connection source = connector.openSql();
        try (Statement statement = source.createStatement()) {
            statement.execute("SET statement_timeout = 0");
            statement.execute("SET lock_timeout = 0");
            statement.execute("SET idle_in_transaction_session_timeout = 0");
            statement.execute(TargetSessions.NO_SESSION_TIMEOUTS);
            // Row-level security would filter the copy silently; off, the server raises an error
            // instead when the user is subject to a policy (then it needs BYPASSRLS), as pg_dump does.
            statement.execute("SET row_security = off");
            statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            statement.execute("SET TRANSACTION SNAPSHOT " + Identifiers.literal(snapshot));
        } catch (SQLException e) {
            closeQuietly(source);
            throw SourceErrors.failed(e, "opening a copy job on " + connector.spec().describe(),
                    "the exporting replication connection must still be open; on a standby, snapshots cannot be"
                            + " exported");
        }
        try {
            return new CopyWorker(number, source, TargetSessions.open(targetSpec));
        } catch (RuntimeException e) {
            closeQuietly(source);
            throw e;
        }
    }

    int number() {
        return number;
    }

    Connection source() {
        return source;
    }

    Connection target() {
        return target;
    }

    /** Cancels what either connection is running (another job failed: stop early). */
    void cancel() {
        for (Connection connection : new Connection[] {source, target}) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.debug("cancelling job {} failed: {}", number, e.getMessage());
            }
        }
    }

    void rollbackQuietly() {
        try {
            target.rollback();
        } catch (SQLException e) {
            LOG.debug("rolling back job {} failed: {}", number, e.getMessage());
        }
    }

    @Override
    public void close() {
        closeQuietly(source);
        closeQuietly(target);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a load connection failed: {}", e.getMessage());
        }
    }
}
