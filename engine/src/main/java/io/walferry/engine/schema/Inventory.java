package io.walferry.engine.schema;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists what exists around the selected tables that the built-in copy does not create: in the
 * selected tables' schemas, views, materialized views, foreign tables, routines, and types and
 * sequences the tables do not use; on the selected tables, triggers, policies, row-level security,
 * rules, extended statistics and table inheritance; in the database, publications and extensions
 * the tables do not need. Objects that belong to an extension, or are part of another object (the
 * constructor functions of a range type), are left out: that extension or object brings them.
 */
final class Inventory {
    private static final String OBJECTS = "WITH nsp AS (SELECT oid FROM pg_namespace WHERE nspname = ANY (?::text[])),"
            + " tab AS (SELECT unnest(?::oid[]) AS oid),"
            + " found(classid, objid, reason) AS ("
            + " SELECT 'pg_class'::regclass, c.oid, 'n' FROM pg_class c WHERE c.relkind IN ('v', 'm', 'f')"
            + "   AND c.relnamespace IN (SELECT oid FROM nsp)"
            + " UNION ALL SELECT 'pg_proc'::regclass, p.oid, 'n' FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM nsp)"
            + " UNION ALL SELECT 'pg_trigger'::regclass, g.oid, 'n' FROM pg_trigger g WHERE g.tgrelid IN (SELECT oid FROM tab)"
            + "   AND NOT g.tgisinternal AND g.tgparentid = 0"
            + " UNION ALL SELECT 'pg_policy'::regclass, y.oid, 'n' FROM pg_policy y WHERE y.polrelid IN (SELECT oid FROM tab)"
            + " UNION ALL SELECT 'pg_rewrite'::regclass, w.oid, 'n' FROM pg_rewrite w WHERE w.ev_class IN (SELECT oid FROM tab)"
            + "   AND w.rulename <> '_RETURN'"
            + " UNION ALL SELECT 'pg_statistic_ext'::regclass, s.oid, 'n' FROM pg_statistic_ext s"
            + "   WHERE s.stxrelid IN (SELECT oid FROM tab)"
            + " UNION ALL SELECT 'pg_collation'::regclass, co.oid, 'n' FROM pg_collation co"
            + "   WHERE co.collnamespace IN (SELECT oid FROM nsp)"
            + " UNION ALL SELECT 'pg_type'::regclass, t.oid, 'u' FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM nsp)"
            + "   AND t.oid <> ALL (?::oid[]) AND (t.typtype IN ('e', 'd', 'r')"
            + "   OR (t.typtype = 'b' AND t.typcategory <> 'A')"
            + "   OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))"
            + " UNION ALL SELECT 'pg_class'::regclass, c.oid, 'u' FROM pg_class c WHERE c.relkind = 'S'"
            + "   AND c.relnamespace IN (SELECT oid FROM nsp) AND c.oid <> ALL (?::oid[])"
            + " UNION ALL SELECT 'pg_publication'::regclass, b.oid, 'n' FROM pg_publication b"
            + "   WHERE b.pubname NOT LIKE 'walferry\\_%'"
            + " UNION ALL SELECT 'pg_extension'::regclass, e.oid, 'x' FROM pg_extension e"
            + "   WHERE e.extname <> 'plpgsql' AND e.extname <> ALL (?::text[])"
            + ")"
            + " SELECT o.type, o.identity, f.reason FROM found f CROSS JOIN LATERAL pg_identify_object(f.classid, f.objid, 0) o"
            + " WHERE NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = f.classid AND x.objid = f.objid"
            + "   AND x.deptype IN ('e', 'i'))"
            + " UNION ALL SELECT 'row level security', c.oid::regclass::text, 'n' FROM pg_class c"
            + "   WHERE c.oid IN (SELECT oid FROM tab) AND c.relrowsecurity"
            + " UNION ALL SELECT 'table inheritance', i.inhrelid::regclass::text || ' inherits ' || i.inhparent::regclass::text,"
            + "   'n' FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            + "   WHERE i.inhrelid IN (SELECT oid FROM tab) AND NOT c.relispartition AND c.relkind IN ('r', 'p')"
            + " ORDER BY 1, 2";

    private Inventory() {
    }

    /**
     * @param copiedTypeOids     the oids of the user types the copy creates
     * @param copiedSequenceOids the oids of the sequences it creates
     */
    static List<SchemaReport.Entry> read(Catalog catalog, TableCatalog.Selection selection, List<Long> copiedTypeOids,
                                         List<Long> copiedSequenceOids, List<Extension> extensions) throws SQLException {
        List<String> schemas = new ArrayList<>();
        for (Table table : selection.tables().values()) {
            if (!schemas.contains(table.name().schema())) {
                schemas.add(table.name().schema());
            }
        }
        List<String> extensionNames = new ArrayList<>();
        for (Extension extension : extensions) {
            extensionNames.add(extension.name());
        }
        List<SchemaReport.Entry> notCopied = new ArrayList<>();
        catalog.query(OBJECTS, row -> notCopied.add(new SchemaReport.Entry(row.getString(1), row.getString(2),
                reason(row.getString(3)))), textArray(schemas), selection.oidArray(), Sql.oidArray(copiedTypeOids),
                Sql.oidArray(copiedSequenceOids), textArray(extensionNames));
        return notCopied;
    }

    private static String reason(String code) {
        switch (code) {
            case "n": return SchemaReport.NOT_COPIED;
            case "u": return "not used by the selected tables";
            case "x": return SchemaReport.NOT_NEEDED;
            default: throw new IllegalStateException("reason code: " + code + " (expected: n, u or x)");
        }
    }

    /** A PostgreSQL text array literal, each element double-quoted. */
    private static String textArray(List<String> values) {
        StringBuilder array = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                array.append(',');
            }
            array.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return array.append('}').toString();
    }
}
