package io.walferry.engine.stream;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pgoutput stream from a temporary slot that lives exactly as long as this object: {@link #open}
 * makes a replication connection, creates the slot on it and starts streaming; {@link #close()}
 * ends the stream, drops the slot and closes the connection. Closing never throws: whatever it
 * cannot do, PostgreSQL finishes when the connection ends (a temporary slot dies with its session).
 */
public final class LogicalStream implements WalStream {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalStream.class);

    private final PGConnection connection;
    private final String slotName;
    private final long consistentPoint;
    private final PGReplicationStream stream;

    private LogicalStream(PGConnection connection, String slotName, long consistentPoint, PGReplicationStream stream) {
        this.connection = connection;
        this.slotName = slotName;
        this.consistentPoint = consistentPoint;
        this.stream = stream;
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
            PGReplicationStream stream = start(connection, slotName, options, statusIntervalMs);
            return new LogicalStream(connection, slotName, consistentPoint, stream);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static PGReplicationStream start(PGConnection connection, String slotName, StreamOptions options,
                                             long statusIntervalMs) {
        ChainedLogicalStreamBuilder builder = connection.getReplicationAPI().replicationStream().logical()
                .withSlotName(slotName)
                .withStatusInterval((int) statusIntervalMs, TimeUnit.MILLISECONDS);
        for (Map.Entry<String, String> option : options.slotOptions().entrySet()) {
            builder = builder.withSlotOption(option.getKey(), option.getValue());
        }
        try {
            return builder.start();
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "starting logical replication from slot " + slotName + " with "
                    + options.slotOptions(), "check that the publications exist in this database");
        }
    }

    public String slotName() {
        return slotName;
    }

    /** The LSN from which the slot decodes: changes committed after it are streamed. */
    public long consistentPoint() {
        return consistentPoint;
    }

    @Override
    public ByteBuffer readPending() throws SQLException {
        return stream.readPending();
    }

    @Override
    public long lastReceiveLsn() {
        return stream.getLastReceiveLSN().asLong();
    }

    @Override
    public void confirm(long lsn) {
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn);
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
    }

    @Override
    public boolean isClosed() {
        return stream.isClosed();
    }

    /** Ends the stream, drops the slot and closes the connection; logs rather than throws. */
    @Override
    public void close() {
        try {
            if (!stream.isClosed()) {
                stream.close();
            }
            TemporarySlot.drop((Connection) connection, slotName);
            LOG.debug("dropped temporary slot {}", slotName);
        } catch (SQLException | EngineException e) {
            LOG.debug("could not end the stream and drop slot {} in-session ({}); closing the connection drops it",
                    slotName, e.getMessage());
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(PGConnection connection) {
        try {
            ((Connection) connection).close();
        } catch (SQLException e) {
            LOG.debug("closing the replication connection failed: {}", e.getMessage());
        }
    }
}
