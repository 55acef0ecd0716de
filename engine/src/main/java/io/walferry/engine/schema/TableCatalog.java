package io.walferry.engine.schema;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Reads the tables the filter selects, with their columns. The filter is asked about plain tables
 * and partition roots only: a partition is selected exactly when its root is, so that a partitioned
 * table is always copied whole.
 */
final class TableCatalog {
    /** Every ordinary and partitioned table outside the system schemas and extensions. */
    private static final String TABLES = "SELECT c.oid, n.nspname, c.relname, c.relkind = 'p', c.relpersistence = 'u',"
            + " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
            + " (SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition),"
            + " CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,"
            + " c.reloptions, c.relreplident,"
            + " (SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid"
            + "   WHERE x.indrelid = c.oid AND x.indisreplident),"
            + " ARRAY(SELECT a.attname FROM pg_constraint k CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY"
            + "   AS u(attnum, pos) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum"
            + "   WHERE k.conrelid = c.oid AND k.contype = 'p' ORDER BY u.pos),"
            + " obj_description(c.oid, 'pg_class')"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            + "   AND d.objid = c.oid AND d.deptype = 'e')";

    private static final String COLUMNS = "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod),"
            + " a.attnotnull, a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid),"
            + " CASE WHEN a.attcollation <> t.typcollation THEN cn.nspname END,"
            + " CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,"
            + " col_description(a.attrelid, a.attnum),"
            + " (SELECT sn.nspname FROM pg_depend sd JOIN pg_class s ON s.oid = sd.objid"
            + "   JOIN pg_namespace sn ON sn.oid = s.relnamespace WHERE a.attidentity <> ''"
            + "   AND sd.classid = 'pg_class'::regclass AND sd.refclassid = 'pg_class'::regclass"
            + "   AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum AND sd.deptype = 'i' AND s.relkind = 'S'),"
            + " (SELECT s.relname FROM pg_depend sd JOIN pg_class s ON s.oid = sd.objid WHERE a.attidentity <> ''"
            + "   AND sd.classid = 'pg_class'::regclass AND sd.refclassid = 'pg_class'::regclass"
            + "   AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum AND sd.deptype = 'i' AND s.relkind = 'S')"
            + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
            + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            + " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
            + " LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
            + " WHERE a.attrelid = ANY (?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
            + " ORDER BY a.attrelid, a.attnum";

    /**
     * The selected tables, parents before their partitions.
     *
     * @param tables every selected table by oid, in creation order
     * @param names  every user table of the database (selected or not) by oid
     */
    record Selection(Map<Long, Table> tables, Map<Long, QualifiedName> names) {

        String oidArray() {
            return Sql.oidArray(tables.keySet());
        }

        boolean isSelected(long oid) {
            return tables.containsKey(oid);
        }
    }

    private TableCatalog() {
    }

    static Selection read(Catalog catalog, BiPredicate<String, String> tableFilter) throws SQLException {
        Map<Long, Table> all = new HashMap<>();
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, QualifiedName> names = new HashMap<>();
        catalog.query(TABLES, row -> {
            long oid = row.getLong(1);
            QualifiedName name = new QualifiedName(row.getString(2), row.getString(3));
            long parentOid = row.getLong(7);
            if (!row.wasNull()) {
                parents.put(oid, parentOid);
            }
            names.put(oid, name);
            all.put(oid, new Table(name, row.getBoolean(4), row.getBoolean(5), row.getString(6), null,
                    row.getString(8), List.of(), strings(row.getArray(9)), Table.ReplicaIdentity.of(row.getString(10)),
                    row.getString(11), strings(row.getArray(12)), row.getString(13)));
        });
        List<Long> chosen = new ArrayList<>();
        Map<Long, Integer> depths = new HashMap<>();
        for (long oid : all.keySet()) {
            long root = oid;
            int depth = 0;
            while (parents.containsKey(root)) {
                root = parents.get(root);
                depth++;
            }
            QualifiedName rootName = names.get(root);
            if (tableFilter.test(rootName.schema(), rootName.name())) {
                chosen.add(oid);
                depths.put(oid, depth);
            }
        }
        chosen.sort(Comparator.<Long>comparingInt(depths::get).thenComparing(names::get));
        Map<Long, List<Column>> columns = readColumns(catalog, Sql.oidArray(chosen));
        Map<Long, Table> tables = new LinkedHashMap<>();
        for (long oid : chosen) {
            Table read = all.get(oid);
            QualifiedName parent = parents.containsKey(oid) ? names.get(parents.get(oid)) : null;
            tables.put(oid, new Table(read.name(), read.partitioned(), read.unlogged(), read.partitionKey(), parent,
                    read.partitionBound(), columns.getOrDefault(oid, List.of()), read.storageOptions(),
                    read.replicaIdentity(), read.replicaIdentityIndex(), read.primaryKey(), read.comment()));
        }
        return new Selection(tables, names);
    }

    private static Map<Long, List<Column>> readColumns(Catalog catalog, String oidArray) throws SQLException {
        Map<Long, List<Column>> columns = new HashMap<>();
        catalog.query(COLUMNS, row -> {
            Column.Generated generated = Column.Generated.of(row.getString(6));
            String expression = row.getString(7);
            String collationSchema = row.getString(8);
            String sequenceSchema = row.getString(11);
            columns.computeIfAbsent(row.getLong(1), oid -> new ArrayList<>()).add(new Column(row.getString(2),
                    row.getString(3), row.getBoolean(4), generated == Column.Generated.NONE ? expression : null,
                    Column.Identity.of(row.getString(5)),
                    sequenceSchema == null ? null : new QualifiedName(sequenceSchema, row.getString(12)),
                    generated, generated == Column.Generated.NONE ? null : expression,
                    collationSchema == null ? null : new QualifiedName(collationSchema, row.getString(9)),
                    row.getString(10)));
        }, oidArray);
        return columns;
    }

    static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        List<String> strings = new ArrayList<>(values.length);
        for (Object value : values) {
            strings.add((String) value);
        }
        return strings;
    }
}
