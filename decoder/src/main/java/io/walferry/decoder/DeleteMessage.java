package io.walferry.decoder;

/**
 * Delete ({@code 'D'}): [{@code Int32} xid in a streamed block], {@code Int32} relation OID,
 * {@code 'K'} and the old key, or {@code 'O'} and the whole old row ({@code REPLICA IDENTITY FULL}).
 */
public final class DeleteMessage extends PgOutputMessage {
    private final TupleData oldTuple = new TupleData();
    private int xid;
    private RelationInfo relation;
    private byte oldTupleKind;

    void read(MessageReader reader, boolean streamed, RelationCache cache) {
        xid = RowMessages.readXid(reader, streamed);
        relation = RowMessages.readRelation(reader, cache);
        byte marker = reader.readByte("Byte1 'K' or 'O'");
        if (marker != UpdateMessage.OLD_KEY && marker != UpdateMessage.OLD_ROW) {
            throw reader.malformed("tuple marker 0x" + Integer.toHexString(marker & 0xFF) + " (expected: K or O)");
        }
        oldTupleKind = marker;
        oldTuple.read(reader, relation);
    }

    @Override
    public MessageType type() {
        return MessageType.DELETE;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public RelationInfo relation() {
        return relation;
    }

    /** {@link UpdateMessage#OLD_KEY} or {@link UpdateMessage#OLD_ROW}. */
    public byte oldTupleKind() {
        return oldTupleKind;
    }

    /** The old key (non-key columns NULL) or the whole old row. */
    public TupleData oldTuple() {
        return oldTuple;
    }
}
