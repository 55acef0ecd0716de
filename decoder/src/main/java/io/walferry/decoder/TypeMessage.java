package io.walferry.decoder;

/**
 * Type ({@code 'Y'}): [{@code Int32} xid in a streamed block], {@code Int32} type OID,
 * {@code String} namespace ({@code ""} for {@code pg_catalog}), {@code String} type name.
 */
public final class TypeMessage extends PgOutputMessage {
    private int xid;
    private TypeInfo typeInfo;

    void read(MessageReader reader, boolean streamed) {
        xid = streamed ? reader.readInt("Int32 xid of the streamed transaction") : 0;
        int oid = reader.readInt("Int32 type OID");
        String namespace = RelationMessage.readString(reader, "String namespace");
        String name = RelationMessage.readString(reader, "String type name");
        typeInfo = new TypeInfo(oid, namespace.isEmpty() ? "pg_catalog" : namespace, name);
    }

    @Override
    public MessageType type() {
        return MessageType.TYPE;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public TypeInfo typeInfo() {
        return typeInfo;
    }
}
