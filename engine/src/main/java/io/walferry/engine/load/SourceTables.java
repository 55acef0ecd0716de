package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.TablePattern;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the tables to load from the source's catalogs: the same selection as the pipeline's
 * publication (permanent plain and partitioned tables that are not partitions, outside the system
 * schemas, matching the include patterns and no exclude pattern), each with its columns and the
 * leaf tables holding its rows. Schema {@code walferry} is never loaded: it holds a pipeline's state
 * when the source was itself a walferry target.
 */
public final class SourceTables {
    private static final Logger LOG = LoggerFactory.getLogger(SourceTables.class);
    /** {@code FirstNormalObjectId}: OIDs below it belong to objects built into PostgreSQL. */
    static final long FIRST_NORMAL_OID = 16384;

    private static final String TABLES = "SELECT c.oid, n.nspname, c.relname, c.relkind = 'p', c.reltuples::bigint"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND NOT c.relispartition"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'walferry') AND n.nspname NOT LIKE 'pg\\_%'"
            + " ORDER BY n.nspname, c.relname";
    private static final String COLUMNS = "SELECT a.attname, a.attgenerated <> '',"
            + " t.oid < " + FIRST_NORMAL_OID + " AND t.typsend <> 0 AND t.typreceive <> 0 AND t.typname !~ '^_?reg'"
            + " AND (t.typelem = 0 OR (e.oid < " + FIRST_NORMAL_OID + " AND e.typsend <> 0 AND e.typreceive <> 0))"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
            + " LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem"
            + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    private static final String LEAVES = "SELECT n.nspname, c.relname, c.relkind, pg_catalog.pg_relation_size(c.oid),"
            + " c.reltuples::bigint FROM pg_catalog.pg_partition_tree(?::pg_catalog.regclass) p"
            + " JOIN pg_catalog.pg_class c ON c.oid = p.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE p.isleaf ORDER BY n.nspname, c.relname";
    private static final String SIZE = "SELECT pg_catalog.pg_relation_size(?::pg_catalog.regclass)";

    private SourceTables() {
    }

    /** The tables to load, in catalog order. */
    static List<LoadTable> read(Connection source, List<TablePattern> include, List<TablePattern> exclude)
            throws SQLException {
        int blockSize;
        try (Statement statement = source.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('block_size')::int")) {
            row.next();
            blockSize = row.getInt(1);
        }
        List<LoadTable> tables = new ArrayList<>();
        try (Statement statement = source.createStatement(); ResultSet rows = statement.executeQuery(TABLES)) {
            while (rows.next()) {
                String schema = rows.getString(2);
                String name = rows.getString(3);
                if ((include.isEmpty() || matchesAny(include, schema, name)) && !matchesAny(exclude, schema, name)) {
                    tables.add(table(source, rows.getLong(1), schema, name, rows.getBoolean(4), rows.getLong(5), blockSize));
                }
            }
        }
        return tables;
    }

    private static LoadTable table(Connection source, long oid, String schema, String name, boolean partitioned,
                                   long reltuples, int blockSize) throws SQLException {
        List<String> columns = new ArrayList<>();
        boolean binarySafe = true;
        try (PreparedStatement query = source.prepareStatement(COLUMNS)) {
            query.setLong(1, oid);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    if (!rows.getBoolean(2)) {
                        columns.add(rows.getString(1));
                        binarySafe &= rows.getBoolean(3);
                    }
                }
            }
        }
        List<LoadTable.Leaf> leaves = new ArrayList<>();
        long estimatedRows = reltuples;
        if (partitioned) {
            estimatedRows = 0;
            try (PreparedStatement query = source.prepareStatement(LEAVES)) {
                query.setString(1, Identifiers.qualified(schema, name));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String leafSchema = rows.getString(1);
                        String leafName = rows.getString(2);
                        if (!"r".equals(rows.getString(3))) {
                            LOG.warn("partition {}.{} of {}.{} is not a plain table (relkind {}): its rows are not"
                                    + " copied", leafSchema, leafName, schema, name, rows.getString(3));
                            continue;
                        }
                        long size = rows.getLong(4);
                        leaves.add(new LoadTable.Leaf(leafSchema, leafName, size, size / blockSize));
                        estimatedRows = estimatedRows < 0 || rows.getLong(5) < 0 ? -1 : estimatedRows + rows.getLong(5);
                    }
                }
            }
        } else {
            long size;
            try (PreparedStatement query = source.prepareStatement(SIZE)) {
                query.setString(1, Identifiers.qualified(schema, name));
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    size = row.getLong(1);
                }
            }
            leaves.add(new LoadTable.Leaf(schema, name, size, size / blockSize));
        }
        if (columns.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "table " + schema + "." + name + " has no column walferry"
                    + " can copy (only generated or dropped ones): exclude it with --exclude " + schema + "." + name);
        }
        return new LoadTable(schema, name, partitioned, columns, binarySafe, leaves, estimatedRows);
    }

    /**
     * The table selection of {@code --tables} and {@code --exclude} as the schema copy asks it:
     * (schema, table) of a plain table or partition root; schema {@code walferry} never.
     */
    public static BiPredicate<String, String> selection(List<TablePattern> include, List<TablePattern> exclude) {
        return (schema, name) -> !schema.equals("walferry") && (include.isEmpty() || matchesAny(include, schema, name))
                && !matchesAny(exclude, schema, name);
    }

    private static boolean matchesAny(List<TablePattern> patterns, String schema, String name) {
        for (TablePattern pattern : patterns) {
            if (pattern.matches(schema, name)) {
                return true;
            }
        }
        return false;
    }
}
