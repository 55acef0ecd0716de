package io.walferry.engine.stream;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.source.SourceConnector;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pgoutput stream from a temporary slot that lives exactly as long as this object: {@link #open}
 * makes a replication connection, creates the slot on it and starts streaming; {@link #close()}
 * ends the stream, drops the slot and closes the connection. Closing never throws: whatever it
 * cannot do, PostgreSQL finishes when the connection ends (a temporary slot dies with its session).
 */
public final class LogicalStream extends PgoutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalStream.class);

    private final String slotName;
    private final long consistentPoint;

    private LogicalStream(PGConnection connection, String slotName, long consistentPoint, PGReplicationStream stream) {
        super(connection, stream);
        this.slotName = slotName;
        this.consistentPoint = consistentPoint;
    }

    /**
     * Opens a replication connection, creates the temporary slot {@code slotName} on it (with
     * two-phase decoding when {@code options} asks for it) and starts streaming from it.
     *
     * @param statusIntervalMs how often to send status updates even when nothing is confirmed
     */
    public static LogicalStream open(SourceConnector connector, String slotName, int serverVersionNum,
                                     StreamOptions options, long statusIntervalMs) {
        PGConnection connection = connector.openReplication();
        try {
            long consistentPoint = TemporarySlot.create((Connection) connection, slotName, serverVersionNum,
                    options.twoPhase());
            LOG.debug("created temporary slot {} at {}", slotName, Lsn.format(consistentPoint));
            PGReplicationStream stream = start(connection, slotName, options, statusIntervalMs,
                    "check that the publications exist in this database");
            return new LogicalStream(connection, slotName, consistentPoint, stream);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    public String slotName() {
        return slotName;
    }

    /** The LSN from which the slot decodes: changes committed after it are streamed. */
    public long consistentPoint() {
        return consistentPoint;
    }

    /** Ends the stream, drops the slot and closes the connection; logs rather than throws. */
    @Override
    public void close() {
        try {
            endStream();
            TemporarySlot.drop((Connection) connection, slotName);
            LOG.debug("dropped temporary slot {}", slotName);
        } catch (SQLException | EngineException e) {
            LOG.debug("could not end the stream and drop slot {} in-session ({}); closing the connection drops it",
                    slotName, e.getMessage());
        } finally {
            closeQuietly(connection);
        }
    }
}
