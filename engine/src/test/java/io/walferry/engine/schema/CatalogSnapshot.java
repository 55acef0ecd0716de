package io.walferry.engine.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A database's user schema described as sorted lines of text, straight from the catalogs and
 * independently of the code under test, so that two databases can be compared line by line: tables
 * and partitioning, columns (type, NOT NULL, default, identity, generated, collation, comment),
 * constraints, indexes, sequences with their values and owners, user types, extensions. Lines that
 * mention {@link SourceFixture#IGNORED} objects are left out. PostgreSQL 18's NOT NULL constraints
 * in {@code pg_constraint} are left out too: NOT NULL is compared per column. A constraint that
 * PostgreSQL clones from a parent's (on a partition, or towards each partition of a referenced
 * partitioned table) is named after its root constraint: the server names clones itself, differently across
 * versions ({@code fkey1} before 18, {@code fkey_1} from 18).
 */
final class CatalogSnapshot {
    private static final String USER_RELATION = " n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_%'";

    private static final List<String> QUERIES = List.of(
            "SELECT 'table ' || c.oid::regclass || ' kind=' || c.relkind::text || ' persistence=' || c.relpersistence::text"
                    + " || ' identity=' || c.relreplident::text || ' options=' || coalesce(c.reloptions::text, '')"
                    + " || ' key=' || coalesce(pg_get_partkeydef(c.oid), '')"
                    + " || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')"
                    + " || ' parent=' || coalesce((SELECT i.inhparent::regclass::text FROM pg_inherits i"
                    + "   WHERE i.inhrelid = c.oid), '')"
                    + " || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND" + USER_RELATION,
            "SELECT 'column ' || c.oid::regclass || '.' || quote_ident(a.attname) || ' '"
                    + " || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull"
                    + " || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')"
                    + " || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text"
                    + " || ' collation=' || coalesce(co.collname, '')"
                    + " || ' comment=' || coalesce(col_description(c.oid, a.attnum), '')"
                    + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                    + " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                    + " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND" + USER_RELATION,
            "SELECT 'constraint ' || k.conrelid::regclass || ' ' || CASE WHEN k.conparentid = 0 THEN quote_ident(k.conname)"
                    + " ELSE (WITH RECURSIVE up(oid, parent) AS (SELECT p.oid, p.conparentid FROM pg_constraint p"
                    + "   WHERE p.oid = k.conparentid UNION ALL SELECT p.oid, p.conparentid FROM up"
                    + "   JOIN pg_constraint p ON p.oid = up.parent)"
                    + "   SELECT quote_ident(p.conname) FROM up JOIN pg_constraint p ON p.oid = up.oid WHERE up.parent = 0)"
                    + " || ' clone'"
                    + " END || ' ' || k.contype::text"
                    + " || ' ' || pg_get_constraintdef(k.oid) || ' validated=' || k.convalidated"
                    + " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype <> 'n' AND" + USER_RELATION,
            "SELECT 'index ' || pg_get_indexdef(x.indexrelid) || ' valid=' || x.indisvalid"
                    + " || ' replident=' || x.indisreplident"
                    + " FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE" + USER_RELATION,
            "SELECT 'sequence ' || quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) || ' '"
                    + " || s.data_type || ' start=' || s.start_value || ' min=' || s.min_value"
                    + " || ' max=' || s.max_value || ' increment=' || s.increment_by || ' cycle=' || s.cycle"
                    + " || ' cache=' || s.cache_size || ' last=' || coalesce(s.last_value::text, 'none')"
                    + " FROM pg_sequences s",
            "SELECT 'owned ' || d.objid::regclass || ' by ' || d.refobjid::regclass || '.' || a.attname"
                    + " || ' ' || d.deptype::text FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
                    + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                    + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
                    + " AND d.deptype IN ('a', 'i')",
            "SELECT 'type ' || t.oid::regtype || ' ' || t.typtype::text"
                    + " || ' labels=' || coalesce((SELECT string_agg(e.enumlabel, '|' ORDER BY e.enumsortorder)"
                    + "   FROM pg_enum e WHERE e.enumtypid = t.oid), '')"
                    + " || ' base=' || CASE WHEN t.typbasetype <> 0 THEN format_type(t.typbasetype, t.typtypmod)"
                    + "   ELSE '' END || ' notnull=' || t.typnotnull"
                    + " || ' default=' || coalesce(pg_get_expr(t.typdefaultbin, 0), '')"
                    + " || ' checks=' || coalesce((SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid),"
                    + "   '|' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '')"
                    + " || ' attributes=' || coalesce((SELECT string_agg(a.attname || ' '"
                    + "   || format_type(a.atttypid, a.atttypmod), '|' ORDER BY a.attnum) FROM pg_attribute a"
                    + "   WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0), '')"
                    + " || ' range=' || coalesce((SELECT format_type(r.rngsubtype, NULL) || ' ' || r.rngsubdiff::text"
                    + "   FROM pg_range r WHERE r.rngtypid = t.oid), '')"
                    + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + " LEFT JOIN pg_class tr ON tr.oid = t.typrelid"
                    + " WHERE t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR tr.relkind = 'c')"
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_type'::regclass"
                    + "   AND x.objid = t.oid AND x.deptype = 'e') AND" + USER_RELATION,
            "SELECT 'extension ' || e.extname || ' in ' || e.extnamespace::regnamespace FROM pg_extension e"
                    + " WHERE e.extname <> 'plpgsql'");

    private CatalogSnapshot() {
    }

    static List<String> of(Connection connection) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path = pg_catalog");
            for (String query : QUERIES) {
                try (ResultSet rows = statement.executeQuery(query)) {
                    while (rows.next()) {
                        String line = rows.getString(1);
                        if (!line.contains(SourceFixture.IGNORED)) {
                            lines.add(line);
                        }
                    }
                }
            }
            statement.execute("RESET search_path");
        }
        lines.sort(null);
        return lines;
    }
}
