package io.walferry.applier.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table's description from the target's catalog: whether it exists, whether it is
 * partitioned, and per column its type (as {@code format_type} spells it), identity, generation and
 * primary-key membership. One query per relation, run when a relation is first written and again
 * after the source describes it differently.
 */
public final class TargetCatalog {
    static final String TABLE_QUERY = "SELECT c.relkind, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
            + " a.attidentity, a.attgenerated, COALESCE(a.attnum = ANY (i.indkey), false)"
            + " FROM pg_catalog.pg_class c"
            + " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary"
            + " WHERE c.oid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', ?, ?))"
            + " ORDER BY a.attnum";

    private TargetCatalog() {
    }

    /** The target relation {@code schema.name} (of any kind), or {@code null} when there is none. */
    public static TargetTable lookup(Connection connection, String schema, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TABLE_QUERY)) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                String relkind = null;
                List<TargetColumn> columns = new ArrayList<>();
                while (rows.next()) {
                    relkind = rows.getString(1);
                    String column = rows.getString(2);
                    if (column != null) {
                        columns.add(new TargetColumn(column, rows.getString(3), "a".equals(rows.getString(4)),
                                !isEmpty(rows.getString(5)), rows.getBoolean(6)));
                    }
                }
                if (relkind == null) {
                    return null;
                }
                return new TargetTable(schema, name, relkind.charAt(0), columns);
            }
        }
    }

    private static boolean isEmpty(String flag) {
        return flag == null || flag.isEmpty();
    }
}
