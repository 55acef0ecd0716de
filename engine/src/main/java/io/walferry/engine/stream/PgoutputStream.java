package io.walferry.engine.stream;

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
 * What every pgoutput stream over pgjdbc's replication API shares: starting
 * {@code START_REPLICATION ... LOGICAL} from a slot with the pgoutput options, reading, confirming
 * a position, and ending the stream and its connection. Subclasses own the slot's life: a temporary
 * one ({@link LogicalStream}) or the pipeline's persistent one. pgjdbc answers keepalives and sends
 * a status update every status interval with the position last given to {@link #confirm(long)}.
 *
 * <p>Reader thread only.
 */
public abstract class PgoutputStream implements WalStream {
    private static final Logger LOG = LoggerFactory.getLogger(PgoutputStream.class);

    protected final PGConnection connection;
    protected final PGReplicationStream stream;
    private long confirmed;

    protected PgoutputStream(PGConnection connection, PGReplicationStream stream) {
        this.connection = connection;
        this.stream = stream;
    }

    /**
     * Starts streaming from {@code slotName} at its confirmed position; {@code hint} is added to the
     * error when the server refuses (or {@code null}).
     */
    protected static PGReplicationStream start(PGConnection connection, String slotName, StreamOptions options,
                                               long statusIntervalMs, String hint) {
        ChainedLogicalStreamBuilder builder = connection.getReplicationAPI().replicationStream().logical()
                .withSlotName(slotName)
                .withStartPosition(LogSequenceNumber.INVALID_LSN)
                .withStatusInterval((int) statusIntervalMs, TimeUnit.MILLISECONDS);
        for (Map.Entry<String, String> option : options.slotOptions().entrySet()) {
            builder = builder.withSlotOption(option.getKey(), option.getValue());
        }
        try {
            return builder.start();
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "starting logical replication from slot " + slotName + " with "
                    + options.slotOptions(), hint);
        }
    }

    @Override
    public final ByteBuffer readPending() throws SQLException {
        return stream.readPending();
    }

    @Override
    public final long lastReceiveLsn() {
        return stream.getLastReceiveLSN().asLong();
    }

    /** Sets the flush and apply position of the next status update; allocates only when it changes. */
    @Override
    public final void confirm(long lsn) {
        if (lsn == confirmed) {
            return;
        }
        confirmed = lsn;
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn);
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
    }

    @Override
    public final boolean isClosed() {
        return stream.isClosed();
    }

    /** Ends the stream (CopyDone) if it is still open. */
    protected final void endStream() throws SQLException {
        if (!stream.isClosed()) {
            stream.close();
        }
    }

    /** Closes a replication connection; logs rather than throws. */
    protected static void closeQuietly(PGConnection connection) {
        try {
            ((Connection) connection).close();
        } catch (SQLException e) {
            LOG.debug("closing the replication connection failed: {}", e.getMessage());
        }
    }
}
