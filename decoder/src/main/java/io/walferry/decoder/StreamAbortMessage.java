package io.walferry.decoder;

/**
 * Stream Abort ({@code 'A'}, protocol 2+): {@code Int32} xid of the top-level transaction,
 * {@code Int32} xid of the aborted (sub)transaction, and, in protocol 4 with
 * {@code streaming = parallel}, {@code Int64} abort LSN and {@code Int64} abort timestamp. When the
 * two xids are equal the whole transaction aborted; otherwise only that subtransaction did.
 */
public final class StreamAbortMessage extends PgOutputMessage {
    private int xid;
    private int subXid;
    private boolean hasAbortInfo;
    private long abortLsn;
    private long abortTimeMicros;

    void read(MessageReader reader) {
        xid = reader.readInt("Int32 xid");
        subXid = reader.readInt("Int32 subtransaction xid");
        // The abort LSN and time are sent only for parallel streaming (protocol 4); the message
        // carries no flag for it, so their presence is told by the length, which must then be exact.
        if (reader.remaining() == 0) {
            hasAbortInfo = false;
            abortLsn = Lsn.INVALID;
            abortTimeMicros = 0;
        } else {
            abortLsn = reader.readLong("Int64 abort LSN");
            abortTimeMicros = reader.readLong("Int64 abort timestamp");
            hasAbortInfo = true;
        }
    }

    @Override
    public MessageType type() {
        return MessageType.STREAM_ABORT;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public long subXid() {
        return unsignedXid(subXid);
    }

    /** True when the whole streamed transaction aborted, false when only a subtransaction did. */
    public boolean topLevel() {
        return xid == subXid;
    }

    /** True when the abort LSN and timestamp were sent (protocol 4, {@code streaming = parallel}). */
    public boolean hasAbortInfo() {
        return hasAbortInfo;
    }

    /** The abort record's LSN, or {@link Lsn#INVALID} when not sent. */
    public long abortLsn() {
        return abortLsn;
    }

    /** Abort time (microseconds since 2000-01-01), or 0 when not sent. */
    public long abortTimeMicros() {
        return abortTimeMicros;
    }
}
