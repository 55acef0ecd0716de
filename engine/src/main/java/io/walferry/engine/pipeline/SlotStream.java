package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ReceiveWatch;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import io.walferry.engine.stream.PgoutputStream;
import io.walferry.engine.stream.StreamOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pgoutput stream from the pipeline's persistent slot, on a replication connection of its own:
 * {@link #open} connects, creates the slot when asked (on the same connection, without a snapshot),
 * and starts streaming from the slot's confirmed position ({@code START_REPLICATION ... LOGICAL 0/0}:
 * the server resumes from {@code confirmed_flush_lsn}). {@link #close()} ends the stream and the
 * connection and leaves the slot in place. pgjdbc answers keepalives and sends a status update every
 * status interval with the position last given to {@link #confirm(long)}.
 *
 * <p>Reader thread only.
 */
final class SlotStream extends PgoutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(SlotStream.class);

    private final long createdAtLsn;
    private final ReceiveWatch watch;

    private SlotStream(PGConnection connection, PGReplicationStream stream, long createdAtLsn, ReceiveWatch watch) {
        super(connection, stream);
        this.createdAtLsn = createdAtLsn;
        this.watch = watch;
    }

    /**
     * Opens a replication connection and starts streaming from slot {@code slotName}, creating it
     * first when {@code create} is set.
     */
    static SlotStream open(SourceConnector connector, String slotName, boolean create, int serverVersionNum,
                           StreamOptions options, long statusIntervalMs) {
        ReceiveWatch watch = new ReceiveWatch();
        PGConnection connection = connector.openReplication(watch);
        try {
            long createdAt = create ? createSlot((Connection) connection, slotName, serverVersionNum) : 0;
            return new SlotStream(connection, start(connection, slotName, options, statusIntervalMs, null), createdAt,
                    watch);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** {@code CREATE_REPLICATION_SLOT} of a persistent pgoutput slot, without two-phase decoding or snapshot. */
    static String createCommand(String slotName, int serverVersionNum) {
        return "CREATE_REPLICATION_SLOT " + slotName + " LOGICAL pgoutput"
                + (serverVersionNum >= 150000 ? " (SNAPSHOT 'nothing')" : " NOEXPORT_SNAPSHOT");
    }

    private static long createSlot(Connection connection, String slotName, int serverVersionNum) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(createCommand(slotName, serverVersionNum));
            try (ResultSet row = statement.getResultSet()) {
                if (row == null || !row.next()) {
                    throw new EngineException(Failure.PROTOCOL, "CREATE_REPLICATION_SLOT " + slotName
                            + " returned no row (expected: slot_name, consistent_point, snapshot_name, output_plugin)");
                }
                long consistentPoint = Lsn.parse(row.getString("consistent_point"));
                LOG.info("created replication slot {} (pgoutput) at {}", slotName, Lsn.format(consistentPoint));
                return consistentPoint;
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "creating replication slot " + slotName,
                    "\"already exists\" means another walferry of this pipeline created it at the same moment;"
                            + " otherwise check max_replication_slots and the REPLICATION privilege");
        }
    }

    /** The consistent point of the slot this stream created, 0 when it existed. */
    long createdAtLsn() {
        return createdAtLsn;
    }

    /** Sends a status update now, with the confirmed position (and asks the server for a reply). */
    void sendStatusNow() throws SQLException {
        stream.forceUpdateStatus();
    }

    /** When the connection last received anything (data or keepalive); see {@link ReceiveWatch}. */
    ReceiveWatch receiveWatch() {
        return watch;
    }

    /**
     * Closes the connection without ending the stream first: ending it waits for the server's
     * answer, which a dead connection never sends.
     */
    void abandon() {
        closeQuietly(connection);
    }

    /** Ends the stream (CopyDone) and closes the connection; logs rather than throws. */
    @Override
    public void close() {
        try {
            endStream();
        } catch (SQLException e) {
            LOG.debug("ending the replication stream failed: {}", e.getMessage());
        } finally {
            closeQuietly(connection);
        }
    }
}
