package io.walferry.cli.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's proof that the target equals the source: every table of a schema, every row, every
 * column. Each side sorts the text of its rows (in the "C" collation, so both sort alike) and
 * hashes them in that order; a table is equal when both sides have as many rows and the same hash.
 * Both servers run the same PostgreSQL with the same settings, so equal rows print alike. Meant for
 * the demo's few thousand rows, with both sides quiet; {@code walferry validate} will do this at
 * scale, chunked and while changes flow.
 */
public final class TableComparison {
    /**
     * One table on both sides.
     *
     * @param table      its qualified name
     * @param sourceRows its rows on the source
     * @param targetRows its rows on the target (-1 when the target has no such table)
     * @param equal      whether the target holds exactly the source's rows
     */
    public record TableResult(String table, long sourceRows, long targetRows, boolean equal) {
    }

    private TableComparison() {
    }

    /** Compares every table of {@code schema} on the source with the target's table of that name. */
    public static List<TableResult> compare(Connection source, Connection target, String schema) throws SQLException {
        List<TableResult> results = new ArrayList<>();
        for (String table : tables(source, schema)) {
            RowsDigest onSource = digest(source, table);
            RowsDigest onTarget = exists(target, table) ? digest(target, table) : new RowsDigest(-1, "");
            results.add(new TableResult(table, onSource.rows(), onTarget.rows(), onSource.equals(onTarget)));
        }
        return results;
    }

    private record RowsDigest(long rows, String md5) {
    }

    private static List<String> tables(Connection source, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement query = source.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname)"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1")) {
            query.setString(1, schema);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** {@code table} comes from the source's catalog, quoted by {@code format('%I')}. */
    private static RowsDigest digest(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n'"
                     + " ORDER BY t::text COLLATE \"C\"), '')) FROM " + table + " t")) {
            row.next();
            return new RowsDigest(row.getLong(1), row.getString(2));
        }
    }
}
