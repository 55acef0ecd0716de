package io.walferry.engine.stream;

import java.nio.ByteBuffer;
import java.sql.SQLException;

/**
 * A logical replication stream as its reader sees it: XLogData payloads (one pgoutput message
 * each), the LSN of each, and the LSN to confirm back to the server. Keepalives and periodic status
 * updates are answered inside {@link #readPending()}. Used by one thread.
 */
public interface WalStream extends AutoCloseable {
    /**
     * The payload of the next XLogData message if one has arrived, else {@code null} without
     * blocking. Answers keepalives and sends a status update when one is due.
     */
    ByteBuffer readPending() throws SQLException;

    /**
     * The start LSN of the message {@link #readPending()} last returned; read it right after that
     * call, before the next one (a keepalive moves it on to the server's WAL end).
     */
    long lastReceiveLsn();

    /** Reports WAL up to {@code lsn} as flushed and applied, in the next status update. */
    void confirm(long lsn);

    /** Whether the stream has ended, by {@link #close()} or by the server. */
    boolean isClosed();

    /** Ends the stream (CopyDone) and waits for the server to end it too. */
    @Override
    void close() throws SQLException;
}
