package io.walferry.applier.batch;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.session.ProgressTable;
import io.walferry.applier.session.TargetConnector;
import io.walferry.decoder.Lsn;
import io.walferry.engine.metrics.ApplyMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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

    private final Connection connection;
    private final String target;
    private final int lane;
    private final ProgressTable progress;
    private final SetApply setApply;
    private PreparedStatement record;
    private boolean open;

    LaneSession(TargetConnector connector, String pipeline, int lane, ApplyMetrics metrics) {
        this.connection = connector.connect();
        this.target = connector.describe();
        this.lane = lane;
        this.progress = new ProgressTable(pipeline, lane);
        try (Statement statement = connection.createStatement()) {
            this.setApply = new SetApply(connection, metrics);
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
            setApply.apply(tables);
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
            if (OrderingFailure.causedBy(e)) {
                throw new OrderingFailure(OrderingFailure.describe(e), e);
            }
            throw new ApplyException(ApplyFailure.of(e), "lane " + lane + " failed on the target " + target + ": "
                    + OrderingFailure.describe(e), e);
        }
    }

    private static String progressSql() {
        return ProgressTable.recordSql();
    }

    void commit() {
        try {
            connection.commit();
            open = false;
        } catch (SQLException e) {
            open = false;
            throw new ApplyException(ApplyFailure.of(e), "committing lane " + lane + " on the target " + target
                    + " failed: " + OrderingFailure.describe(e), e);
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


    @Override
    public void close() {
        rollback();
        setApply.close();
        TargetConnector.closeQuietly(connection);
    }
}
