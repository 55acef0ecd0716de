package io.walferry.applier.batch;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.session.ProgressTable;
import io.walferry.applier.session.TargetConnector;
import io.walferry.applier.sql.SetStatements;
import io.walferry.decoder.Lsn;
import io.walferry.engine.metrics.ApplyMetrics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One lane's target connection: applies the lane's share of a batch set-wise (a statement per
 * table and kind of change, every row through {@code text[]} parameters, see {@link SetStatements}),
 * moves the lane's progress row in the same transaction, and commits when told to.
 *
 * <p>Per table, in this order: deletes, the deletes of rows about to be inserted again (upserts),
 * updates (one statement per set of unchanged TOAST columns), inserts. A delete or update that does
 * not touch exactly its rows, and an error that the order of changes can cause (a unique or exclusion
 * violation, a lock timeout or deadlock with another lane), are {@link OrderingFailure}s: the batch is
 * then applied the exact way. The session never waits for a lock longer than {@link #LOCK_TIMEOUT}:
 * two lanes of one batch may wait for each other's rows (a unique value moving from a row of one
 * lane to a row of another), and only the exact path resolves that.
 *
 * <p>Used by its lane's thread.
 */
final class LaneSession implements AutoCloseable {
    /** How long a lane's statement waits for a lock held by another transaction before giving the batch up. */
    static final String LOCK_TIMEOUT = "2s";

    /** A failure that applying the same changes in source order, on one session, can avoid. */
    static final class OrderingFailure extends Exception {
        OrderingFailure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final Connection connection;
    private final String target;
    private final int lane;
    private final ProgressTable progress;
    private final ApplyMetrics metrics;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private PreparedStatement record;
    private boolean open;

    LaneSession(TargetConnector connector, String pipeline, int lane, ApplyMetrics metrics) {
        this.connection = connector.connect();
        this.target = connector.describe();
        this.lane = lane;
        this.progress = new ProgressTable(pipeline, lane);
        this.metrics = metrics;
        try (Statement statement = connection.createStatement()) {
            // The rows of a batch are few next to the tables they change: find each through its index.
            statement.execute("SET enable_hashjoin = off");
            statement.execute("SET enable_mergejoin = off");
            statement.execute("SET lock_timeout = '" + LOCK_TIMEOUT + "'");
            connection.commit();
        } catch (SQLException e) {
            TargetConnector.closeQuietly(connection);
            throw new ApplyException(ApplyFailure.of(e), "cannot set up lane " + lane + " on the target " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Applies {@code tables} and moves this lane's progress row to the batch's end, without committing.
     *
     * @param recorded where this lane's row stands: a batch ending at or before it was applied already
     */
    void apply(Map<Integer, TableBatch> tables, long endLsn, long commitLsn, long xid, long recorded)
            throws OrderingFailure {
        open = true;
        try {
            for (TableBatch table : tables.values()) {
                applyTable(table);
            }
            if (record == null) {
                record = connection.prepareStatement(progressSql());
            }
            progress.bindRecord(record, endLsn, commitLsn, xid);
            int rows = record.executeUpdate();
            int expected = Lsn.compare(recorded, endLsn) < 0 ? 1 : 0;
            if (rows != expected) {
                throw new ApplyException(ApplyFailure.TARGET_ERROR, "the progress row of lane " + lane + " in "
                        + ProgressTable.TABLE + " is missing or already at or past end LSN " + Lsn.format(endLsn)
                        + ": another walferry process may be applying pipeline \"" + progress.pipeline() + "\"; stop it");
            }
        } catch (SQLException e) {
            if (ordering(e)) {
                throw new OrderingFailure(describe(e), e);
            }
            throw new ApplyException(ApplyFailure.of(e), "lane " + lane + " failed on the target " + target + ": "
                    + describe(e), e);
        }
    }

    private static String progressSql() {
        return ProgressTable.recordSql();
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
        Array[] arrays = new Array[columns.length];
        for (int c = 0; c < columns.length; c++) {
            String[] values = new String[rows.size()];
            int column = columns[c];
            for (int r = 0; r < values.length; r++) {
                values[r] = rows.get(r)[column];
            }
            arrays[c] = connection.createArrayOf("text", values);
            statement.setArray(c + 1, arrays[c]);
        }
        int count = statement.executeUpdate();
        for (Array array : arrays) {
            array.free();
        }
        metrics.batchExecuted(rows.size(), System.nanoTime() - started);
        return count;
    }

    void commit() {
        try {
            connection.commit();
            open = false;
        } catch (SQLException e) {
            open = false;
            throw new ApplyException(ApplyFailure.of(e), "committing lane " + lane + " on the target " + target
                    + " failed: " + describe(e), e);
        }
    }

    /** Rolls back what the lane holds; returns false when the connection is unusable (close it). */
    boolean rollback() {
        if (!open) {
            return true;
        }
        open = false;
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Errors the order of changes can cause: unique or exclusion violations, lock waits given up, deadlocks. */
    static boolean ordering(SQLException error) {
        String state = error.getSQLState();
        return "23505".equals(state) || "23P01".equals(state) || "55P03".equals(state) || "40P01".equals(state)
                || "40001".equals(state);
    }

    private static String describe(SQLException error) {
        String state = error.getSQLState();
        return error.getMessage() + (state == null ? "" : " (SQLSTATE " + state + ")");
    }

    @Override
    public void close() {
        rollback();
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // Closed with the connection.
            }
        }
        TargetConnector.closeQuietly(connection);
    }
}
