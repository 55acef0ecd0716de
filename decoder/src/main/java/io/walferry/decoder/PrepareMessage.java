package io.walferry.decoder;

/**
 * Prepare ({@code 'P'}) and Stream Prepare ({@code 'p'}), protocol 3+, which share a layout:
 * {@code Int8} flags (unused), {@code Int64} prepare LSN, {@code Int64} end LSN, {@code Int64}
 * prepare timestamp, {@code Int32} xid, {@code String} GID.
 */
public final class PrepareMessage extends PgOutputMessage {
    private final MessageType type;
    private byte flags;
    private long prepareLsn;
    private long endLsn;
    private long prepareTimeMicros;
    private int xid;
    private int gidOffset;
    private int gidLength;

    PrepareMessage(MessageType type) {
        this.type = type;
    }

    void read(MessageReader reader) {
        flags = reader.readByte("Int8 flags");
        prepareLsn = reader.readLong("Int64 prepare LSN");
        endLsn = reader.readLong("Int64 end LSN");
        prepareTimeMicros = reader.readLong("Int64 prepare timestamp");
        xid = reader.readInt("Int32 xid");
        gidOffset = reader.position();
        gidLength = reader.skipCString("String GID");
    }

    /** {@link MessageType#PREPARE} or {@link MessageType#STREAM_PREPARE}. */
    @Override
    public MessageType type() {
        return type;
    }

    public byte flags() {
        return flags;
    }

    public long prepareLsn() {
        return prepareLsn;
    }

    public long endLsn() {
        return endLsn;
    }

    public long prepareTimeMicros() {
        return prepareTimeMicros;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public String gid() {
        return TupleData.utf8(buffer(), gidOffset, gidLength);
    }
}
