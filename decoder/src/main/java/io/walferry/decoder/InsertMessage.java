package io.walferry.decoder;

/**
 * Insert ({@code 'I'}): [{@code Int32} xid in a streamed block], {@code Int32} relation OID,
 * {@code 'N'}, TupleData of the new row.
 */
public final class InsertMessage extends PgOutputMessage {
    private final TupleData newTuple = new TupleData();
    private int xid;
    private RelationInfo relation;

    void read(MessageReader reader, boolean streamed, RelationCache cache) {
        xid = RowMessages.readXid(reader, streamed);
        relation = RowMessages.readRelation(reader, cache);
        byte marker = reader.readByte("Byte1 'N' before the new tuple");
        if (marker != 'N') {
            throw reader.malformed("tuple marker 0x" + Integer.toHexString(marker & 0xFF) + " (expected: N)");
        }
        newTuple.read(reader, relation);
    }

    @Override
    public MessageType type() {
        return MessageType.INSERT;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public RelationInfo relation() {
        return relation;
    }

    public TupleData newTuple() {
        return newTuple;
    }
}
