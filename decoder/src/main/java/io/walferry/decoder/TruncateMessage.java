package io.walferry.decoder;

/**
 * Truncate ({@code 'T'}): [{@code Int32} xid in a streamed block], {@code Int32} relation count,
 * {@code Int8} options (bit 1 {@code CASCADE}, bit 2 {@code RESTART IDENTITY}), then that many
 * {@code Int32} relation OIDs.
 */
public final class TruncateMessage extends PgOutputMessage {
    /** Option bit: {@code TRUNCATE ... CASCADE}. */
    public static final int OPTION_CASCADE = 1;
    /** Option bit: {@code TRUNCATE ... RESTART IDENTITY}. */
    public static final int OPTION_RESTART_IDENTITY = 2;

    private int xid;
    private int relationCount;
    private byte options;
    private int relationIdsOffset;
    private RelationCache cache;

    void read(MessageReader reader, boolean streamed, RelationCache cache) {
        xid = RowMessages.readXid(reader, streamed);
        int count = reader.readInt("Int32 number of relations");
        options = reader.readByte("Int8 options");
        if (count < 0 || (long) count * 4 > reader.remaining()) {
            throw reader.malformed("relation count " + count + " (expected: 0 to " + reader.remaining() / 4
                    + ", the Int32 OIDs that fit in the rest of the message)");
        }
        relationIdsOffset = reader.position();
        for (int i = 0; i < count; i++) {
            int relationId = reader.readInt("Int32 relation OID");
            if (cache.relation(relationId) == null) {
                throw reader.malformed("relation OID " + Integer.toUnsignedString(relationId)
                        + " has not been described (expected: a RELATION message for it earlier in the stream)");
            }
        }
        relationCount = count;
        this.cache = cache;
    }

    @Override
    public MessageType type() {
        return MessageType.TRUNCATE;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public int relationCount() {
        return relationCount;
    }

    public int relationId(int index) {
        if (index < 0 || index >= relationCount) {
            throw new IndexOutOfBoundsException("relation index: " + index + " (expected: 0 to " + (relationCount - 1) + ")");
        }
        return buffer().getInt(relationIdsOffset + index * 4, MessageReader.ORDER);
    }

    public RelationInfo relation(int index) {
        return cache.relation(relationId(index));
    }

    public int options() {
        return options;
    }

    public boolean cascade() {
        return (options & OPTION_CASCADE) != 0;
    }

    public boolean restartIdentity() {
        return (options & OPTION_RESTART_IDENTITY) != 0;
    }
}
