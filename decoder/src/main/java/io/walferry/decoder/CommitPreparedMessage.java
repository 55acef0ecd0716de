package io.walferry.decoder;

/**
 * Commit Prepared ({@code 'K'}, protocol 3+): {@code Int8} flags (unused), {@code Int64} commit
 * LSN, {@code Int64} end LSN, {@code Int64} commit timestamp, {@code Int32} xid, {@code String} GID.
 */
public final class CommitPreparedMessage extends PgOutputMessage {
    private byte flags;
    private long commitLsn;
    private long endLsn;
    private long commitTimeMicros;
    private int xid;
    private int gidOffset;
    private int gidLength;

    void read(MessageReader reader) {
        flags = reader.readByte("Int8 flags");
        commitLsn = reader.readLong("Int64 commit LSN");
        endLsn = reader.readLong("Int64 end LSN");
        commitTimeMicros = reader.readLong("Int64 commit timestamp");
        xid = reader.readInt("Int32 xid");
        gidOffset = reader.position();
        gidLength = reader.skipCString("String GID");
    }

    @Override
    public MessageType type() {
        return MessageType.COMMIT_PREPARED;
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

    public long xid() {
        return unsignedXid(xid);
    }

    public String gid() {
        return TupleData.utf8(buffer(), gidOffset, gidLength);
    }
}
