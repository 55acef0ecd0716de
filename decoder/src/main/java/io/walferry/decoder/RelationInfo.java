package io.walferry.decoder;

import java.util.List;

/**
 * A published table as the last Relation message for its OID described it. Immutable; a new
 * instance replaces the old one when the server sends the relation again (after DDL, or on a new
 * stream).
 */
public final class RelationInfo {
    /** {@code REPLICA IDENTITY DEFAULT}: the primary key. */
    public static final byte IDENTITY_DEFAULT = 'd';
    /** {@code REPLICA IDENTITY NOTHING}. */
    public static final byte IDENTITY_NOTHING = 'n';
    /** {@code REPLICA IDENTITY FULL}: the whole old row. */
    public static final byte IDENTITY_FULL = 'f';
    /** {@code REPLICA IDENTITY USING INDEX}. */
    public static final byte IDENTITY_INDEX = 'i';

    private final int relationId;
    private final String namespace;
    private final String name;
    private final byte replicaIdentity;
    private final ColumnInfo[] columns;
    private final String qualifiedName;

    public RelationInfo(int relationId, String namespace, String name, byte replicaIdentity, ColumnInfo[] columns) {
        this.relationId = relationId;
        this.namespace = namespace;
        this.name = name;
        this.replicaIdentity = replicaIdentity;
        this.columns = columns.clone();
        this.qualifiedName = namespace + "." + name;
    }

    /** The relation's OID on the source (unsigned 32-bit, held in an {@code int}). */
    public int relationId() {
        return relationId;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** {@code namespace.name}, unquoted, for display. */
    public String qualifiedName() {
        return qualifiedName;
    }

    /** One of {@link #IDENTITY_DEFAULT}, {@link #IDENTITY_NOTHING}, {@link #IDENTITY_FULL}, {@link #IDENTITY_INDEX}. */
    public byte replicaIdentity() {
        return replicaIdentity;
    }

    public int columnCount() {
        return columns.length;
    }

    public ColumnInfo column(int index) {
        return columns[index];
    }

    public List<ColumnInfo> columns() {
        return List.of(columns);
    }

    @Override
    public String toString() {
        return "RelationInfo[" + Integer.toUnsignedString(relationId) + " " + qualifiedName
                + " identity=" + (char) replicaIdentity + " columns=" + columns().size() + "]";
    }
}
