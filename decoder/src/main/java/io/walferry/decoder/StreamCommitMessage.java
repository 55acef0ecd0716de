package io.walferry.decoder;

/**
 * Stream Commit ({@code 'c'}, protocol 2+): {@code Int32} xid, {@code Int8} flags (unused),
 * {@code Int64} commit LSN, {@code Int64} end LSN, {@code Int64} commit timestamp.
 */
public final class StreamCommitMessage extends PgOutputMessage {
    private int xid;
    private byte flags;
    private long commitLsn;
    private long endLsn;
    private long commitTimeMicros;

    void read(MessageReader reader) {
        xid = reader.readInt("Int32 xid");
        flags = reader.readByte("Int8 flags");
        commitLsn = reader.readLong("Int64 commit LSN");
        endLsn = reader.readLong("Int64 end LSN");
        commitTimeMicros = reader.readLong("Int64 commit timestamp");
    }

    @Override
    public MessageType type() {
        return MessageType.STREAM_COMMIT;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public byte flags() {
        return flags;
    }

    public long commitLsn() {
        return commitLsn;
    }

    public long endLsn() {
        return endLsn;
    }

    public long commitTimeMicros() {
        return commitTimeMicros;
    }
}
