package io.walferry.engine.schema;

import java.util.List;
import java.util.Objects;

/**
 * A selected source table: a plain table, a partitioned table, or a partition (which is selected
 * with its root).
 *
 * @param name                 the table
 * @param partitioned          whether it is a partitioned table (relkind {@code p})
 * @param unlogged             whether it is UNLOGGED
 * @param partitionKey         {@code pg_get_partkeydef} ({@code RANGE (created_at)}) of a
 *                             partitioned table, else null
 * @param parent               the partitioned table this is a partition of, or null
 * @param partitionBound       {@code pg_get_expr(relpartbound)} of a partition
 *                             ({@code FOR VALUES IN (1, 2)}, {@code DEFAULT}), else null
 * @param columns              the columns, in the source's order, dropped ones left out
 * @param storageOptions       {@code reloptions}, as {@code name=value}
 * @param replicaIdentity      the table's replica identity
 * @param replicaIdentityIndex the index of REPLICA IDENTITY USING INDEX, else null
 * @param primaryKey           the primary key's columns in key order (inherited keys included), empty
 *                             when the table has none
 * @param comment              the table's comment, or null
 */
public record Table(QualifiedName name, boolean partitioned, boolean unlogged, String partitionKey,
                    QualifiedName parent, String partitionBound, List<Column> columns, List<String> storageOptions,
                    ReplicaIdentity replicaIdentity, String replicaIdentityIndex, List<String> primaryKey,
                    String comment) {

    public Table {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        storageOptions = List.copyOf(storageOptions);
        primaryKey = List.copyOf(primaryKey);
        Objects.requireNonNull(replicaIdentity, "replicaIdentity");
    }

    /** Whether the table is a partition of another. */
    public boolean isPartition() {
        return parent != null;
    }

    /** The column named {@code columnName}, or null. */
    public Column column(String columnName) {
        for (Column column : columns) {
            if (column.name().equals(columnName)) {
                return column;
            }
        }
        return null;
    }

    /** {@code pg_class.relreplident}. */
    public enum ReplicaIdentity {
        DEFAULT, FULL, NOTHING, INDEX;

        static ReplicaIdentity of(String relreplident) {
            switch (relreplident) {
                case "d": return DEFAULT;
                case "f": return FULL;
                case "n": return NOTHING;
                case "i": return INDEX;
                default: throw new IllegalStateException("pg_class.relreplident: " + relreplident
                        + " (expected: d, f, n or i)");
            }
        }
    }
}
