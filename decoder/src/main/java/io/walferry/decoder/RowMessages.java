package io.walferry.decoder;

/** Shared reading steps of Insert, Update and Delete. */
final class RowMessages {
    private RowMessages() {
    }

    static int readXid(MessageReader reader, boolean streamed) {
        return streamed ? reader.readInt("Int32 xid of the streamed transaction") : 0;
    }

    static RelationInfo readRelation(MessageReader reader, RelationCache cache) {
        int relationId = reader.readInt("Int32 relation OID");
        RelationInfo relation = cache.relation(relationId);
        if (relation == null) {
            throw reader.malformed("relation OID " + Integer.toUnsignedString(relationId)
                    + " has not been described (expected: a RELATION message for it earlier in the stream)");
        }
        return relation;
    }
}
