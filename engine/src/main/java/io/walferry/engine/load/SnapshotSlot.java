package io.walferry.engine.load;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logical slot created with an exported snapshot, on a replication connection of its own. The
 * snapshot shows exactly the transactions committed before the slot's consistent point; streaming
 * from the slot delivers exactly those committed after it. The exported snapshot stays importable
 * ({@code SET TRANSACTION SNAPSHOT}) until this connection runs another command or closes, so the
 * load imports it into every worker first and then {@link #close()}s this: the workers' transactions
 * keep the snapshot alive. A temporary slot (used to take a new snapshot when a load resumes) goes
 * away with the connection; a persistent one (the pipeline's) stays.
 */
final class SnapshotSlot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSlot.class);

    private final Connection connection;
    private final String slotName;
    private final long consistentLsn;
    private final String snapshotName;

    private SnapshotSlot(Connection connection, String slotName, long consistentLsn, String snapshotName) {
        this.connection = connection;
        this.slotName = slotName;
        this.consistentLsn = consistentLsn;
        this.snapshotName = snapshotName;
    }

    /** Creates slot {@code slotName} (persistent, or temporary) with an exported snapshot. */
    static SnapshotSlot create(SourceConnector connector, String slotName, boolean temporary, int serverVersionNum) {
        PGConnection replication = connector.openReplication();
        Connection connection = (Connection) replication;
        String command = "CREATE_REPLICATION_SLOT " + slotName + (temporary ? " TEMPORARY" : "") + " LOGICAL pgoutput"
                + (serverVersionNum >= 150000 ? " (SNAPSHOT 'export')" : " EXPORT_SNAPSHOT");
        try (Statement statement = connection.createStatement()) {
            statement.execute(command);
            try (ResultSet row = statement.getResultSet()) {
                if (row == null || !row.next() || row.getString("snapshot_name") == null) {
                    throw new EngineException(Failure.PROTOCOL, command + " returned no snapshot (expected a row with"
                            + " slot_name, consistent_point, snapshot_name, output_plugin)");
                }
                long consistentLsn = Lsn.parse(row.getString("consistent_point"));
                String snapshot = row.getString("snapshot_name");
                LOG.info("created {}replication slot {} at {} with snapshot {}", temporary ? "temporary " : "",
                        slotName, Lsn.format(consistentLsn), snapshot);
                return new SnapshotSlot(connection, slotName, consistentLsn, snapshot);
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw SourceErrors.failed(e, "creating replication slot " + slotName + " with an exported snapshot",
                    "check max_replication_slots and the REPLICATION privilege; \"already exists\" means another"
                            + " walferry of this pipeline is loading at the same moment");
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    String slotName() {
        return slotName;
    }

    long consistentLsn() {
        return consistentLsn;
    }

    String snapshotName() {
        return snapshotName;
    }

    /** Ends the snapshot's export (and drops a temporary slot); a persistent slot stays. */
    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the replication connection failed: {}", e.getMessage());
        }
    }
}
