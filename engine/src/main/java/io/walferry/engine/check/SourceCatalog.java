package io.walferry.engine.check;

import io.walferry.engine.schema.QualifiedName;
import io.walferry.engine.schema.SourceSchema;
import io.walferry.engine.schema.Table;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the source's catalogs and statistics say about the selected tables and the database around
 * them: read privileges, the per-table assessment, unused indexes, large objects and temporary
 * tables.
 */
final class SourceCatalog {
    private static final String TABLES = "SELECT n.nspname, c.relname, pg_catalog.pg_total_relation_size(c.oid),"
            + " c.reltuples::bigint, s.n_tup_ins, s.n_tup_upd, s.n_tup_del,"
            + " pg_catalog.has_table_privilege(c.oid, 'SELECT'),"
            + " (SELECT count(*) FROM pg_catalog.pg_index x WHERE x.indrelid = c.oid)::int"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid"
            + " WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";
    /** Non-unique indexes never scanned: unique ones enforce a constraint whether queries use them or not. */
    private static final String UNUSED_INDEXES = "SELECT n.nspname, c.relname, i.relname,"
            + " pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(i.oid))"
            + " FROM pg_catalog.pg_stat_user_indexes s JOIN pg_catalog.pg_index x ON x.indexrelid = s.indexrelid"
            + " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid JOIN pg_catalog.pg_class c ON c.oid = x.indrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE s.idx_scan = 0 AND NOT x.indisunique AND NOT x.indisexclusion ORDER BY 1, 2, 3";
    /**
     * The statistics' window: since they were last reset, else since the server started (statistics
     * may be older than that, so rates are then an upper bound).
     */
    private static final String STATS_WINDOW = "SELECT GREATEST(EXTRACT(EPOCH FROM pg_catalog.now()"
            + " - COALESCE(d.stats_reset, pg_catalog.pg_postmaster_start_time())), 1)::float8,"
            + " COALESCE(d.stats_reset, pg_catalog.pg_postmaster_start_time())::text"
            + " FROM pg_catalog.pg_stat_database d WHERE d.datname = pg_catalog.current_database()";
    private static final String LARGE_OBJECTS = "SELECT count(*) FROM pg_catalog.pg_largeobject_metadata";
    private static final String TEMPORARY_TABLES = "SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relpersistence = 't'"
            + " AND c.relkind IN ('r', 'p') ORDER BY 1";

    /**
     * The assessment of the selected tables, and the statistics' window it was taken over.
     *
     * @param tables       plain tables and partitions, largest first
     * @param statsSeconds the window's length
     * @param statsSince   its start, as the server prints a timestamptz
     */
    record Assessment(List<TableAssessment> tables, double statsSeconds, String statsSince) {
    }

    private SourceCatalog() {
    }

    static Assessment assess(Connection source, SourceSchema schema, ServerFacts facts, List<Finding> findings)
            throws SQLException {
        double seconds;
        String since;
        try (Statement statement = source.createStatement(); ResultSet row = statement.executeQuery(STATS_WINDOW)) {
            row.next();
            seconds = row.getDouble(1);
            since = row.getString(2);
        }
        Set<QualifiedName> selected = new HashSet<>();
        Set<QualifiedName> leaves = new HashSet<>();
        for (Table table : schema.tables()) {
            selected.add(table.name());
            if (!table.partitioned()) {
                leaves.add(table.name());
            }
        }
        Map<QualifiedName, List<String>> unused = unusedIndexes(source, leaves, since, findings);
        List<TableAssessment> tables = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        try (Statement statement = source.createStatement(); ResultSet rows = statement.executeQuery(TABLES)) {
            while (rows.next()) {
                QualifiedName name = new QualifiedName(rows.getString(1), rows.getString(2));
                if (!selected.contains(name)) {
                    continue;
                }
                if (!rows.getBoolean(8)) {
                    unreadable.add(name.toString());
                }
                if (leaves.contains(name)) {
                    tables.add(new TableAssessment(name, rows.getLong(3), rows.getLong(4), rate(rows, 5, seconds),
                            rate(rows, 6, seconds), rate(rows, 7, seconds), rows.getInt(9),
                            unused.getOrDefault(name, List.of())));
                }
            }
        }
        tables.sort(Comparator.comparingLong(TableAssessment::totalBytes).reversed()
                .thenComparing(TableAssessment::table));
        if (!unreadable.isEmpty()) {
            findings.add(Finding.blocker("select_privilege", Text.list(unreadable), "user " + Text.ident(facts.user())
                    + " may not read " + unreadable.size() + " selected table(s) of the source: " + Text.list(unreadable)
                    + ". The load copies them with COPY ... TO STDOUT: run GRANT SELECT ON " + Text.list(unreadable)
                    + " TO " + Text.ident(facts.user()) + " (or GRANT SELECT ON ALL TABLES IN SCHEMA ...), or leave them"
                    + " out with --exclude"));
        }
        return new Assessment(tables, seconds, since);
    }

    /** {@code n_tup_*} per second; {@code NaN} when the table has no statistics row. */
    private static double rate(ResultSet rows, int column, double seconds) throws SQLException {
        long count = rows.getLong(column);
        return rows.wasNull() ? Double.NaN : count / seconds;
    }

    private static Map<QualifiedName, List<String>> unusedIndexes(Connection source, Set<QualifiedName> tables,
                                                                  String since, List<Finding> findings)
            throws SQLException {
        Map<QualifiedName, List<String>> unused = new HashMap<>();
        try (Statement statement = source.createStatement(); ResultSet rows = statement.executeQuery(UNUSED_INDEXES)) {
            while (rows.next()) {
                QualifiedName table = new QualifiedName(rows.getString(1), rows.getString(2));
                if (!tables.contains(table)) {
                    continue;
                }
                String index = new QualifiedName(rows.getString(1), rows.getString(3)).toString();
                unused.computeIfAbsent(table, t -> new ArrayList<>()).add(index);
                findings.add(Finding.warning("unused_index", index, "index " + index + " on table " + table + " ("
                        + rows.getString(4) + ") has not been scanned since " + since + " and enforces no constraint:"
                        + " the load builds it and every replicated change maintains it for nothing. If no query needs"
                        + " it (check the statistics cover a full business cycle), drop it with DROP INDEX " + index
                        + " on the source before the move"));
            }
        }
        return unused;
    }

    /** Large objects and temporary tables: in the database, never replicated. */
    static void unreplicated(Connection source, List<Finding> findings) throws SQLException {
        try (Statement statement = source.createStatement()) {
            try (ResultSet row = statement.executeQuery(LARGE_OBJECTS)) {
                row.next();
                long count = row.getLong(1);
                if (count > 0) {
                    findings.add(Finding.warning("large_objects", "pg_largeobject", "the source database holds " + count
                            + " large object(s) (pg_largeobject_metadata): logical replication does not carry them and"
                            + " walferry does not copy them. Copy them yourself while writes are frozen at cutover"
                            + " (lo_export and lo_import, or pg_dump of the large objects), or move them into bytea"
                            + " columns before the move"));
                }
            }
            List<String> temporary = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(TEMPORARY_TABLES)) {
                while (rows.next()) {
                    temporary.add(rows.getString(1));
                }
            }
            if (!temporary.isEmpty()) {
                findings.add(Finding.info("temporary_tables", Text.list(temporary), temporary.size() + " temporary"
                        + " table(s) exist in open sessions of the source (" + Text.list(temporary) + "): they live only"
                        + " in their session and are never replicated; nothing to do unless the application expects"
                        + " their rows to move"));
            }
        }
    }
}
