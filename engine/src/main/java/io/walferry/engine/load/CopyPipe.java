package io.walferry.engine.load;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.LongAdder;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Pipes one {@code COPY ... TO STDOUT} of the source into one {@code COPY ... FROM STDIN} of the
 * target, on the calling thread, without parsing a byte: pgjdbc hands over the source's rows one
 * CopyData message at a time, and they go out to the target in 64 kB CopyData messages.
 */
final class CopyPipe {
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Rows the two servers counted. */
    record Counts(long sourceRows, long targetRows) {
    }

    private CopyPipe() {
    }

    /**
     * Copies; the target's transaction is left open (the caller commits). On failure the target's
     * COPY is cancelled and the source's ended, and the exception says which side failed.
     */
    static Counts copy(Connection source, String copyOut, Connection target, String copyIn, LongAdder bytes,
                       LongAdder rows) throws SQLException {
        CopyManager targetCopy = target.unwrap(PGConnection.class).getCopyAPI();
        CopyManager sourceCopy = source.unwrap(PGConnection.class).getCopyAPI();
        CopyIn in = targetCopy.copyIn(copyIn);
        Forwarder forwarder = new Forwarder(in, bytes, rows);
        long sourceRows;
        try {
            sourceRows = sourceCopy.copyOut(copyOut, forwarder);
            forwarder.flush();
            // Binary COPY ends with a trailer message that is no row: leave the exact count.
            rows.add(sourceRows - forwarder.messages);
        } catch (SQLException | IOException | RuntimeException e) {
            cancelQuietly(in);
            if (forwarder.targetFailure != null) {
                throw forwarder.targetFailure;
            }
            if (e instanceof SQLException) {
                throw new SourceCopyException((SQLException) e);
            }
            if (e instanceof IOException) {
                throw new SourceCopyException(new SQLException(e.getMessage(), "08006", e));
            }
            throw (RuntimeException) e;
        }
        long targetRows = in.endCopy();
        return new Counts(sourceRows, targetRows);
    }

    private static void cancelQuietly(CopyIn in) {
        try {
            if (in.isActive()) {
                in.cancelCopy();
            }
        } catch (SQLException e) {
            // The target's error, if any, is the one reported.
        }
    }

    /** An error of the source's side of a copy (the target's pass through as they are). */
    static final class SourceCopyException extends SQLException {
        private static final long serialVersionUID = 1L;

        SourceCopyException(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause);
        }
    }

    /** Buffers the source's rows and writes them to the target's COPY. */
    private static final class Forwarder extends OutputStream {
        private final CopyIn in;
        private final LongAdder bytes;
        private final LongAdder rows;
        private final byte[] buffer = new byte[BUFFER_BYTES];
        private int length;
        /** CopyData messages forwarded, each counted as a row as it passes. */
        long messages;
        SQLException targetFailure;

        Forwarder(CopyIn in, LongAdder bytes, LongAdder rows) {
            this.in = in;
            this.bytes = bytes;
            this.rows = rows;
        }

        @Override
        public void write(int b) throws IOException {
            if (length == buffer.length) {
                flush();
            }
            buffer[length++] = (byte) b;
        }

        /** pgjdbc writes each CopyData message, one row, with one call. */
        @Override
        public void write(byte[] data, int offset, int count) throws IOException {
            rows.increment();
            messages++;
            bytes.add(count);
            if (count > buffer.length - length) {
                flush();
                if (count >= buffer.length) {
                    send(data, offset, count);
                    return;
                }
            }
            System.arraycopy(data, offset, buffer, length, count);
            length += count;
        }

        @Override
        public void flush() throws IOException {
            if (length > 0) {
                send(buffer, 0, length);
                length = 0;
            }
        }

        private void send(byte[] data, int offset, int count) throws IOException {
            try {
                in.writeToCopy(data, offset, count);
            } catch (SQLException e) {
                targetFailure = e;
                throw new IOException("the target's COPY failed: " + e.getMessage(), e);
            }
        }
    }
}
