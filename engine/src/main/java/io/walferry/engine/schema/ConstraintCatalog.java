package io.walferry.engine.schema;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the selected tables' constraints and secondary indexes. What partitions inherit from their
 * parent (constraints with a {@code conparentid} or not {@code conislocal}, indexes attached to a
 * parent index) is left out: adding the parent's constraint or index creates them again, so listing
 * them too would create them twice.
 */
final class ConstraintCatalog {
    private static final String CONSTRAINTS = "SELECT k.conrelid, k.conname, k.contype, pg_get_constraintdef(k.oid),"
            + " k.convalidated, k.confrelid"
            + " FROM pg_constraint k WHERE k.conrelid = ANY (?::oid[]) AND k.contype IN ('p', 'u', 'c', 'x', 'f')"
            + " AND k.conparentid = 0 AND k.conislocal ORDER BY k.conrelid, k.conname";

    private static final String INDEXES = "SELECT x.indrelid, ic.relname, pg_get_indexdef(x.indexrelid),"
            + " quote_ident(ic.relname), tc.relkind = 'p', x.indisvalid"
            + " FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class tc ON tc.oid = x.indrelid"
            + " WHERE x.indrelid = ANY (?::oid[]) AND NOT ic.relispartition"
            + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid"
            + "   AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))"
            + " ORDER BY x.indrelid, ic.relname";

    /**
     * @param constraints the constraints to create, in table order
     * @param indexes     the secondary indexes to create
     * @param skipped     constraints and indexes left out, with the reason
     */
    record Read(List<Constraint> constraints, List<Index> indexes, List<SchemaReport.Entry> skipped) {
    }

    private ConstraintCatalog() {
    }

    static Read read(Catalog catalog, TableCatalog.Selection selection) throws SQLException {
        String oids = selection.oidArray();
        List<Constraint> constraints = new ArrayList<>();
        List<SchemaReport.Entry> skipped = new ArrayList<>();
        catalog.query(CONSTRAINTS, row -> {
            QualifiedName table = selection.names().get(row.getLong(1));
            long referenced = row.getLong(6);
            QualifiedName referencedTable = referenced == 0 ? null : selection.names().get(referenced);
            Constraint constraint = new Constraint(table, row.getString(2), Constraint.Kind.of(row.getString(3)),
                    row.getString(4), row.getBoolean(5), referencedTable);
            if (referenced != 0 && !selection.isSelected(referenced)) {
                skipped.add(new SchemaReport.Entry("foreign key", constraint.quotedName() + " on table " + table,
                        "it references " + (referencedTable == null ? "a table" : "table " + referencedTable)
                                + " that is not selected; select that table too, or add the key by hand"));
            } else {
                constraints.add(constraint);
            }
        }, oids);
        List<Index> indexes = new ArrayList<>();
        catalog.query(INDEXES, row -> {
            QualifiedName table = selection.names().get(row.getLong(1));
            String name = row.getString(2);
            String definition = row.getBoolean(5) ? cascading(row.getString(3), row.getString(4)) : row.getString(3);
            Index index = new Index(table, name, definition);
            if (row.getBoolean(6)) {
                indexes.add(index);
            } else {
                skipped.add(new SchemaReport.Entry("index", index.quotedName() + " on table " + table,
                        "it is not valid on the source (a failed CREATE INDEX CONCURRENTLY?); rebuild it there first"));
            }
        }, oids);
        return new Read(constraints, indexes, skipped);
    }

    /**
     * A partitioned table's index prints as {@code CREATE INDEX i ON ONLY t ...}, which would create it
     * on the parent alone, invalid until every partition's index is attached. Without ONLY, one
     * statement creates it on every partition, attached.
     */
    private static String cascading(String definition, String quotedIndexName) {
        String only = "INDEX " + quotedIndexName + " ON ONLY ";
        int at = definition.indexOf(only);
        if (at < 0) {
            return definition;
        }
        return definition.substring(0, at) + "INDEX " + quotedIndexName + " ON "
                + definition.substring(at + only.length());
    }
}
