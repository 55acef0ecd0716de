package io.walferry.engine.peek;

import io.walferry.decoder.DecodeException;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.PeekResult.StopReason;
import io.walferry.engine.stream.StopSignal;
import io.walferry.engine.stream.WalStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The reader loop of a peek: read a message, decode it, print it, confirm it, until the limit, a
 * stop request, or closed output. Confirming every printed message as flushed keeps the temporary
 * slot from holding WAL back while peeking. A message that cannot be decoded is not confirmed and
 * ends the loop with an error.
 */
final class PeekLoop {
    /** How long to wait for a stop request when no message is pending before polling the socket again. */
    private static final long IDLE_WAIT_MS = 10;

    private final WalStream stream;
    private final PgOutputDecoder decoder;
    private final MessageJsonWriter writer;
    private final PrintWriter out;
    private final long limit;
    private final StopSignal stop;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);

    private long printed;
    private long highestLsn;

    /**
     * @param out   the writer under {@code writer}, checked for errors after each flush
     * @param limit messages to print before stopping, 0 for no limit
     */
    PeekLoop(WalStream stream, PgOutputDecoder decoder, MessageJsonWriter writer, PrintWriter out, long limit,
             StopSignal stop) {
        this.stream = stream;
        this.decoder = decoder;
        this.writer = writer;
        this.out = out;
        this.limit = limit;
        this.stop = stop;
    }

    PeekResult run() throws SQLException, IOException {
        try {
            return readUntilStopped();
        } catch (SQLException | RuntimeException e) {
            // Show the operator everything printed before the failure.
            writer.flush();
            throw e;
        }
    }

    private PeekResult readUntilStopped() throws SQLException, IOException {
        while (!stop.isRequested()) {
            if (stream.isClosed()) {
                throw new EngineException(Failure.PROTOCOL, "the source ended the replication stream after "
                        + printed + " messages, without an error: the walsender stopped (server shut down?)");
            }
            ByteBuffer payload = stream.readPending();
            if (payload == null) {
                if (flushFailed()) {
                    return result(StopReason.OUTPUT_CLOSED);
                }
                stop.awaitMillis(IDLE_WAIT_MS);
                continue;
            }
            long lsn = stream.lastReceiveLsn();
            print(lsn, payload);
            stream.confirm(lsn);
            if (limit > 0 && printed >= limit) {
                flushFailed();
                return result(StopReason.LIMIT_REACHED);
            }
        }
        flushFailed();
        return result(StopReason.STOP_REQUESTED);
    }

    private void print(long lsn, ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        buffer.wrap(payload, payload.position(), length);
        MessageType type;
        try {
            type = decoder.wrap(buffer, 0, length);
        } catch (DecodeException e) {
            throw new EngineException(Failure.PROTOCOL, "the message at LSN " + Lsn.format(lsn)
                    + " cannot be decoded: " + e.getMessage() + "; stopping without confirming it", e);
        }
        writer.write(lsn, decoder, type);
        printed++;
        highestLsn = Lsn.max(highestLsn, lsn);
    }

    /** Flushes the output; returns whether it has failed (a closed pipe), which ends the peek. */
    private boolean flushFailed() throws IOException {
        writer.flush();
        return out.checkError();
    }

    private PeekResult result(StopReason reason) {
        return new PeekResult(printed, highestLsn, reason);
    }
}
