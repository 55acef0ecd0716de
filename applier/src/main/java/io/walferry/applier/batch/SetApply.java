package io.walferry.applier.batch;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.sql.SetStatements;
import io.walferry.engine.metrics.ApplyMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * Writes coalesced rows ({@link TableBatch}es) into the target through one connection, set-wise:
 * per table, one {@code DELETE} of the deleted keys, one {@code DELETE} of the keys re-inserted
 * (upserts), one {@code UPDATE} per set of unchanged TOAST columns, one {@code INSERT} of the new
 * rows, each with one {@code text[]} parameter per column ({@link SetStatements}). Leaves the
 * transaction to the caller. Used by one thread at a time.
 */
final class SetApply implements AutoCloseable {
    private final Connection connection;
    private final ApplyMetrics metrics;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final TextArrays arrays;

    SetApply(Connection connection, ApplyMetrics metrics) throws SQLException {
        this.connection = connection;
        this.metrics = metrics;
        this.arrays = new TextArrays(
                connection.unwrap(PGConnection.class).getPreferQueryMode() != PreferQueryMode.SIMPLE);
    }

    /** Applies every table's rows; a delete or update that misses rows is an {@link OrderingFailure}. */
    void apply(Map<Integer, TableBatch> tables) throws SQLException, OrderingFailure {
        for (TableBatch table : tables.values()) {
            applyTable(table);
        }
    }

    private void applyTable(TableBatch table) throws SQLException, OrderingFailure {
        SetStatements sql = table.sql;
        if (!sql.keyed()) {
            insert(sql, table.inserts, table);
            return;
        }
        List<String[]> deletes = new ArrayList<>();
        List<String[]> upserts = new ArrayList<>();
        List<String[]> inserts = new ArrayList<>();
        Map<BitSet, List<String[]>> updates = new LinkedHashMap<>();
        BitSet none = new BitSet();
        for (BatchEntry entry : table.entries.values()) {
            switch (entry.op) {
                case BatchEntry.DELETE -> deletes.add(entry.values);
                case BatchEntry.UPSERT -> upserts.add(entry.values);
                case BatchEntry.INSERT -> inserts.add(entry.values);
                default -> updates.computeIfAbsent(entry.unchanged == null ? none : entry.unchanged,
                        u -> new ArrayList<>()).add(entry.values);
            }
        }
        if (!deletes.isEmpty()) {
            int rows = run(sql.deleteSql(), sql.keyColumns(), deletes);
            if (rows != deletes.size()) {
                throw new OrderingFailure("DELETE from " + sql.tableName() + " removed " + rows + " rows of "
                        + deletes.size(), null);
            }
        }
        if (!upserts.isEmpty()) {
            run(sql.deleteSql(), sql.keyColumns(), upserts);
        }
        for (Map.Entry<BitSet, List<String[]>> shape : updates.entrySet()) {
            SetStatements.UpdateShape update = sql.update(shape.getKey());
            if (update == null) {
                continue; // Only key columns (which stay) or unchanged values: nothing to set.
            }
            int rows = run(update.sql(), update.columns(), shape.getValue());
            if (rows != shape.getValue().size()) {
                throw new OrderingFailure("UPDATE of " + sql.tableName() + " changed " + rows + " rows of "
                        + shape.getValue().size(), null);
            }
        }
        inserts.addAll(upserts);
        insert(sql, inserts, table);
    }

    private void insert(SetStatements sql, List<String[]> rows, TableBatch table) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (sql.insertSql() == null) {
            throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "every column of " + table.relation.qualifiedName()
                    + " is generated on the target: its rows cannot be written");
        }
        run(sql.insertSql(), sql.insertColumns(), rows);
    }

    /** Runs {@code sql} with one text array per column of {@code columns}, holding the rows' values. */
    private int run(String sql, int[] columns, List<String[]> rows) throws SQLException {
        long started = System.nanoTime();
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        for (int c = 0; c < columns.length; c++) {
            statement.setObject(c + 1, arrays.column(rows, columns[c]));
        }
        int count = statement.executeUpdate();
        metrics.batchExecuted(rows.size(), System.nanoTime() - started);
        return count;
    }

    @Override
    public void close() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // Closed with the connection.
            }
        }
        statements.clear();
    }
}
