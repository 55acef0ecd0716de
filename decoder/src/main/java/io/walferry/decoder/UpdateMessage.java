package io.walferry.decoder;

/**
 * Update ({@code 'U'}): [{@code Int32} xid in a streamed block], {@code Int32} relation OID, an
 * optional old tuple introduced by {@code 'K'} (the old key: the replica identity changed, or is
 * a whole row key) or {@code 'O'} (the whole old row, {@code REPLICA IDENTITY FULL}), then
 * {@code 'N'} and the new tuple. With no old tuple the key did not change and is read from the new
 * tuple.
 */
public final class UpdateMessage extends PgOutputMessage {
    /** Old tuple kind: the old key columns ({@code 'K'}). */
    public static final byte OLD_KEY = 'K';
    /** Old tuple kind: the whole old row ({@code 'O'}). */
    public static final byte OLD_ROW = 'O';
    /** Old tuple kind: none sent. */
    public static final byte NO_OLD_TUPLE = 0;

    private final TupleData oldTuple = new TupleData();
    private final TupleData newTuple = new TupleData();
    private int xid;
    private RelationInfo relation;
    private byte oldTupleKind;

    void read(MessageReader reader, boolean streamed, RelationCache cache) {
        xid = RowMessages.readXid(reader, streamed);
        relation = RowMessages.readRelation(reader, cache);
        byte marker = reader.readByte("Byte1 'K', 'O' or 'N'");
        if (marker == OLD_KEY || marker == OLD_ROW) {
            oldTupleKind = marker;
            oldTuple.read(reader, relation);
            marker = reader.readByte("Byte1 'N' before the new tuple");
        } else {
            oldTupleKind = NO_OLD_TUPLE;
        }
        if (marker != 'N') {
            throw reader.malformed("tuple marker 0x" + Integer.toHexString(marker & 0xFF)
                    + (oldTupleKind == NO_OLD_TUPLE ? " (expected: K, O or N)" : " (expected: N)"));
        }
        newTuple.read(reader, relation);
    }

    @Override
    public MessageType type() {
        return MessageType.UPDATE;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public RelationInfo relation() {
        return relation;
    }

    /** {@link #OLD_KEY}, {@link #OLD_ROW} or {@link #NO_OLD_TUPLE}. */
    public byte oldTupleKind() {
        return oldTupleKind;
    }

    public boolean hasOldTuple() {
        return oldTupleKind != NO_OLD_TUPLE;
    }

    /**
     * The old key or row; only meaningful when {@link #hasOldTuple()}. In a key tuple, non-key
     * columns are sent as NULL.
     */
    public TupleData oldTuple() {
        return oldTuple;
    }

    public TupleData newTuple() {
        return newTuple;
    }
}
