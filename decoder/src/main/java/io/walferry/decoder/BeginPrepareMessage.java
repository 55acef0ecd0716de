package io.walferry.decoder;

/**
 * Begin Prepare ({@code 'b'}, protocol 3+): {@code Int64} prepare LSN, {@code Int64} end LSN of the
 * prepared transaction, {@code Int64} prepare timestamp, {@code Int32} xid, {@code String} GID.
 */
public final class BeginPrepareMessage extends PgOutputMessage {
    private long prepareLsn;
    private long endLsn;
    private long prepareTimeMicros;
    private int xid;
    private int gidOffset;
    private int gidLength;

    void read(MessageReader reader) {
        prepareLsn = reader.readLong("Int64 prepare LSN");
        endLsn = reader.readLong("Int64 end LSN");
        prepareTimeMicros = reader.readLong("Int64 prepare timestamp");
        xid = reader.readInt("Int32 xid");
        gidOffset = reader.position();
        gidLength = reader.skipCString("String GID");
    }

    @Override
    public MessageType type() {
        return MessageType.BEGIN_PREPARE;
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

    /** The global transaction identifier given to PREPARE TRANSACTION (allocates). */
    public String gid() {
        return TupleData.utf8(buffer(), gidOffset, gidLength);
    }
}
