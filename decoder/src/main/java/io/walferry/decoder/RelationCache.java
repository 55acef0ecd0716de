package io.walferry.decoder;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * Relations and types announced by Relation and Type messages, by OID. Row messages carry only a
 * relation OID; this cache turns it into names and column descriptions. Owned by the decoder's
 * thread.
 */
public final class RelationCache {
    private final Int2ObjectHashMap<RelationInfo> relations = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<TypeInfo> types = new Int2ObjectHashMap<>();

    /** The relation last described for {@code relationId}, or {@code null} when none has been. */
    public RelationInfo relation(int relationId) {
        return relations.get(relationId);
    }

    /** The type last described for {@code typeOid}, or {@code null} (always for built-in types). */
    public TypeInfo type(int typeOid) {
        return types.get(typeOid);
    }

    /**
     * Makes {@code relation} known, as its Relation message would: for a decoder that re-reads
     * messages recorded from another decoder's stream, which it must be told the relations of.
     */
    public void remember(RelationInfo relation) {
        put(relation);
    }

    void put(RelationInfo relation) {
        relations.put(relation.relationId(), relation);
    }

    void put(TypeInfo type) {
        types.put(type.oid(), type);
    }

    public int relationCount() {
        return relations.size();
    }

    /** Forgets everything, as on a new replication connection (the server re-sends what it needs). */
    public void clear() {
        relations.clear();
        types.clear();
    }
}
