package io.walferry.applier.sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table on the target, as its catalog describes it: what the applier needs to write it.
 *
 * @param schema      schema name
 * @param name        table name
 * @param relkind     {@code pg_class.relkind}: {@code r} table, {@code p} partitioned table,
 *                    {@code f} foreign table, or a kind that takes no rows (view, sequence, ...)
 * @param columns     the columns in {@code attnum} order, dropped ones left out
 */
public record TargetTable(String schema, String name, char relkind, List<TargetColumn> columns) {
    public TargetTable {
        columns = List.copyOf(columns);
    }

    /** A partitioned table: written through its root, never with {@code ONLY}. */
    public boolean partitioned() {
        return relkind == 'p';
    }

    /** A table that stores rows: ordinary, partitioned or foreign. */
    public boolean writable() {
        return relkind == 'r' || relkind == 'p' || relkind == 'f';
    }

    /** The column named {@code columnName} (exact, case-sensitive), or {@code null}. */
    public TargetColumn column(String columnName) {
        for (TargetColumn column : columns) {
            if (column.name().equals(columnName)) {
                return column;
            }
        }
        return null;
    }

    /** The primary key's columns by name, empty when the table has none. */
    public Map<String, TargetColumn> primaryKey() {
        Map<String, TargetColumn> key = new HashMap<>();
        for (TargetColumn column : columns) {
            if (column.primaryKey()) {
                key.put(column.name(), column);
            }
        }
        return key;
    }

    /** {@code schema.name}, unquoted, for messages. */
    public String displayName() {
        return schema + "." + name;
    }
}
