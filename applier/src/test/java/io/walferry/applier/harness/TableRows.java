package io.walferry.applier.harness;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A table's rows as text, for comparing a source and a target: each row as PostgreSQL prints the
 * whole row ({@code (1,abc,"{1,2}")}), prefixed by the partition or table that holds it when asked,
 * sorted, so two tables with the same rows give equal lists.
 */
public final class TableRows {
    private TableRows() {
    }

    /** The rows of {@code table} (a name as SQL spells it, quoted as needed), sorted. */
    public static List<String> of(Connection connection, String table) throws SQLException {
        return query(connection, "SELECT r::text AS row FROM " + table + " r ORDER BY r::text COLLATE \"C\"");
    }

    /** The rows of {@code table} with the partition (or inheritance child) holding each: {@code part_a|(1,x)}. */
    public static List<String> withPartition(Connection connection, String table) throws SQLException {
        return query(connection, "SELECT r.tableoid::regclass::text || '|' || r::text FROM " + table
                + " r ORDER BY r.tableoid::regclass::text || '|' || r::text COLLATE \"C\"");
    }

    /**
     * How {@code actual} differs from {@code expected}, as multisets of rows: the rows missing (with how
     * many copies) and the rows in excess, each shortened to {@code maxChars} characters; empty when equal.
     */
    public static String difference(List<String> expected, List<String> actual, int maxChars) {
        Map<String, Integer> balance = new TreeMap<>();
        expected.forEach(row -> balance.merge(row, 1, Integer::sum));
        actual.forEach(row -> balance.merge(row, -1, Integer::sum));
        StringBuilder missing = new StringBuilder();
        StringBuilder extra = new StringBuilder();
        balance.forEach((row, count) -> {
            if (count != 0) {
                String shown = row.length() <= maxChars ? row : row.substring(0, maxChars) + "...(" + row.length() + " chars)";
                (count > 0 ? missing : extra).append("\n    ").append(Math.abs(count)).append(" x ").append(shown);
            }
        });
        return (missing.isEmpty() ? "" : "\n  missing:" + missing) + (extra.isEmpty() ? "" : "\n  in excess:" + extra);
    }

    private static List<String> query(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
