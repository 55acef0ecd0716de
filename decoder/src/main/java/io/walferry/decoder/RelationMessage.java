package io.walferry.decoder;

/**
 * Relation ({@code 'R'}): [{@code Int32} xid in a streamed block], {@code Int32} relation OID,
 * {@code String} namespace ({@code ""} for {@code pg_catalog}), {@code String} name, {@code Int8}
 * replica identity, {@code Int16} column count, then per column {@code Int8} flags (1 = part of the
 * key), {@code String} name, {@code Int32} type OID, {@code Int32} type modifier. Decoding one
 * allocates a {@link RelationInfo} and updates the {@link RelationCache}.
 */
public final class RelationMessage extends PgOutputMessage {
    private int xid;
    private RelationInfo relation;

    void read(MessageReader reader, boolean streamed) {
        xid = streamed ? reader.readInt("Int32 xid of the streamed transaction") : 0;
        int relationId = reader.readInt("Int32 relation OID");
        String namespace = readString(reader, "String namespace");
        String name = readString(reader, "String relation name");
        byte identity = reader.readByte("Int8 replica identity");
        if (identity != RelationInfo.IDENTITY_DEFAULT && identity != RelationInfo.IDENTITY_NOTHING
                && identity != RelationInfo.IDENTITY_FULL && identity != RelationInfo.IDENTITY_INDEX) {
            throw reader.malformed("replica identity 0x" + Integer.toHexString(identity & 0xFF)
                    + " for " + namespace + "." + name + " (expected: d, n, f or i)");
        }
        int count = reader.readShort("Int16 number of columns") & 0xFFFF;
        if (count > TupleData.MAX_COLUMNS) {
            throw reader.malformed("column count " + count + " (expected: at most " + TupleData.MAX_COLUMNS + ")");
        }
        ColumnInfo[] columns = new ColumnInfo[count];
        for (int i = 0; i < count; i++) {
            byte flags = reader.readByte("Int8 column flags");
            String columnName = readString(reader, "String column name");
            int typeOid = reader.readInt("Int32 column type OID");
            int typeModifier = reader.readInt("Int32 column type modifier");
            columns[i] = new ColumnInfo(columnName, typeOid, typeModifier, (flags & 1) != 0);
        }
        relation = new RelationInfo(relationId, namespace.isEmpty() ? "pg_catalog" : namespace, name, identity, columns);
    }

    static String readString(MessageReader reader, String field) {
        int start = reader.position();
        int length = reader.skipCString(field);
        return TupleData.utf8(reader.buffer(), start, length);
    }

    @Override
    public MessageType type() {
        return MessageType.RELATION;
    }

    /** Xid of the streamed transaction this message belongs to, or 0 outside a streamed block. */
    public long xid() {
        return unsignedXid(xid);
    }

    public RelationInfo relation() {
        return relation;
    }
}
