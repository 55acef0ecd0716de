package io.walferry.decoder;

/**
 * Rollback Prepared ({@code 'r'}, protocol 3+): {@code Int8} flags (unused), {@code Int64} end LSN
 * of the prepared transaction, {@code Int64} end LSN of the rollback, {@code Int64} prepare
 * timestamp, {@code Int64} rollback timestamp, {@code Int32} xid, {@code String} GID.
 */
public final class RollbackPreparedMessage extends PgOutputMessage {
    private byte flags;
    private long prepareEndLsn;
    private long rollbackEndLsn;
    private long prepareTimeMicros;
    private long rollbackTimeMicros;
    private int xid;
    private int gidOffset;
    private int gidLength;

    void read(MessageReader reader) {
        flags = reader.readByte("Int8 flags");
        prepareEndLsn = reader.readLong("Int64 prepare end LSN");
        rollbackEndLsn = reader.readLong("Int64 rollback end LSN");
        prepareTimeMicros = reader.readLong("Int64 prepare timestamp");
        rollbackTimeMicros = reader.readLong("Int64 rollback timestamp");
        xid = reader.readInt("Int32 xid");
        gidOffset = reader.position();
        gidLength = reader.skipCString("String GID");
    }

    @Override
    public MessageType type() {
        return MessageType.ROLLBACK_PREPARED;
    }

    public byte flags() {
        return flags;
    }

    public long prepareEndLsn() {
        return prepareEndLsn;
    }

    public long rollbackEndLsn() {
        return rollbackEndLsn;
    }

    public long prepareTimeMicros() {
        return prepareTimeMicros;
    }

    public long rollbackTimeMicros() {
        return rollbackTimeMicros;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public String gid() {
        return TupleData.utf8(buffer(), gidOffset, gidLength);
    }
}
