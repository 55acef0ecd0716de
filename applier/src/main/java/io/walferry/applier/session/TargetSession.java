package io.walferry.applier.session;

import io.walferry.applier.ApplierOptions;
import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.sql.RelationSql;
import io.walferry.applier.sql.RelationSqlCache;
import io.walferry.applier.sql.SetStatements;
import io.walferry.applier.sql.StatementPlan;
import io.walferry.decoder.DeleteMessage;
import io.walferry.decoder.InsertMessage;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.PgOutputMessage;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TruncateMessage;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import io.walferry.engine.metrics.ApplyMetrics;
import io.walferry.engine.metrics.ChangeOp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Predicate;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target connection applying one source transaction at a time: changes go out in batches of
 * prepared statements, subtransactions of a streamed transaction become savepoints, and COMMIT
 * records the progress row in the same target transaction.
 *
 * <p>Every failure leaves the session clean: the target transaction is rolled back, and the
 * {@link ApplyException} thrown names the change, the {@link #transaction() source transaction}
 * and the target, and says the target transaction was rolled back.
 *
 * <p>What it commits is counted ({@link ApplyMetrics}): changes per table and operation, held in a
 * {@link ChangeTally} until COMMIT, JDBC batches, and the commit itself.
 *
 * <p>Used by the applier thread only.
 */
public final class TargetSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetSession.class);

    private final Connection connection;
    private final String target;
    private final RelationSqlCache relations;
    private final ProgressTable progress;
    private final StatementCache statements;
    private final ChangeBatch batch;
    private final ApplyMetrics metrics;
    private final ChangeTally tally = new ChangeTally();
    private final SourceTransaction transaction = new SourceTransaction();
    private final LongArrayList savepoints = new LongArrayList();
    private final LongHashSet savepointXids = new LongHashSet();
    private PreparedStatement recordProgress;
    private SetWise setWise;
    private ApplyException held;
    private long heldSubXid;
    /** True while the set-wise buffer hands changes back to be applied statement by statement. */
    private boolean replaying;
    private boolean open;
    private boolean dirty;
    private boolean broken;

    public TargetSession(TargetConnector connector, RelationSqlCache relations, ProgressTable progress,
                         ApplierOptions options, ApplyMetrics metrics) {
        this.connection = connector.connect();
        this.target = connector.describe();
        this.relations = relations;
        this.progress = progress;
        this.statements = new StatementCache(connection);
        this.batch = new ChangeBatch(options.batchRows(), options.batchChars(), metrics);
        this.metrics = metrics;
    }

    /** The source transaction being applied; set it before the first change. */
    public SourceTransaction transaction() {
        return transaction;
    }

    /** Reads (creating when missing) this lane's recorded progress, in a transaction of its own. */
    public ProgressTable.Progress readProgress() {
        try {
            return progress.open(connection);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new ApplyException(ApplyFailure.of(e), "reading the applier's progress from " + ProgressTable.TABLE
                    + " on the target " + target + " failed: " + TargetErrors.describe(e) + "; the user needs the CREATE privilege"
                    + " on the database (for schema walferry) or an existing " + ProgressTable.TABLE + " it may write", e);
        }
    }

    /**
     * Makes lanes {@code first} to {@code last} this pipeline's progress rows ({@link ProgressTable#adopt}),
     * in a transaction of its own; returns the rows left alone because they stand at different places,
     * or {@code null}.
     */
    public java.util.SortedMap<Integer, ProgressTable.Progress> adoptLanes(int first, int last) {
        try {
            ProgressTable.create(connection);
            return ProgressTable.adopt(connection, progress.pipeline(), first, last);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new ApplyException(ApplyFailure.of(e), "reading the applier's progress from " + ProgressTable.TABLE
                    + " on the target " + target + " failed: " + TargetErrors.describe(e), e);
        }
    }

    /** Records the start of a newly created slot as the progress (see {@link ProgressTable#recordStart}). */
    public void recordStart(long lsn) {
        try {
            progress.recordStart(connection, lsn);
        } catch (SQLException e) {
            rollbackQuietly();
            throw new ApplyException(ApplyFailure.of(e), "recording the new slot's start " + io.walferry.decoder.Lsn.format(lsn)
                    + " in " + ProgressTable.TABLE + " on the target " + target + " failed: " + TargetErrors.describe(e), e);
        }
    }

    /** Applies an INSERT; it may wait in a batch until the next other statement, savepoint or commit. */
    public void insert(InsertMessage insert) {
        if (setWise != null && !replaying) {
            addSetWise(insert, insert.relation(), ChangeOp.INSERT);
            return;
        }
        try {
            apply(relations.get(insert.relation(), connection).insertPlan(), null, insert.newTuple());
            if (!replaying) {
                tally.add(metrics.table(insert.relation().qualifiedName()), ChangeOp.INSERT);
            }
        } catch (SQLException e) {
            throw failedChange("INSERT into " + insert.relation().qualifiedName(), e);
        } catch (ApplyException e) {
            throw failedChange(e);
        }
    }

    /** Applies an UPDATE, which must change exactly one target row. */
    public void update(UpdateMessage update) {
        if (setWise != null && !replaying) {
            addSetWise(update, update.relation(), ChangeOp.UPDATE);
            return;
        }
        try {
            StatementPlan plan = relations.get(update.relation(), connection).updatePlan(update);
            apply(plan, update.oldTuple(), update.newTuple());
            if (!replaying) {
                tally.add(metrics.table(update.relation().qualifiedName()), ChangeOp.UPDATE);
            }
        } catch (SQLException e) {
            throw failedChange("UPDATE of " + update.relation().qualifiedName(), e);
        } catch (ApplyException e) {
            throw failedChange(e);
        }
    }

    /**
     * Applies the old half of a key-changing UPDATE: the DELETE of the row at its old key, which must
     * remove exactly one target row. For the batched mode's exact path after a crash between two
     * lanes' commits, when the lane of the new key already holds the row the UPDATE made.
     */
    public void deleteOldRow(UpdateMessage update) {
        requireStatementByStatement();
        try {
            apply(relations.get(update.relation(), connection).deletePlan(update.oldTuple()), update.oldTuple(), null);
        } catch (SQLException e) {
            throw failedChange("DELETE of the old row of a key-changing UPDATE of " + update.relation().qualifiedName(), e);
        } catch (ApplyException e) {
            throw failedChange(e);
        }
    }

    /**
     * Applies the new half of a key-changing UPDATE: the INSERT of the row it made. For the batched
     * mode's exact path after a crash between two lanes' commits, when the lane of the old key has
     * already deleted the old row. A new row with unchanged TOAST values cannot be written: those
     * values were only in the deleted row.
     */
    public void insertNewRow(UpdateMessage update) {
        requireStatementByStatement();
        TupleData row = update.newTuple();
        for (int i = 0; i < row.columnCount(); i++) {
            if (row.isUnchangedToast(i)) {
                rollbackQuietly();
                throw new ApplyException(ApplyFailure.TARGET_ERROR, "after a crash between the commits of two lanes,"
                        + " an UPDATE in " + transaction.describe() + " that changed the key of a row of "
                        + update.relation().qualifiedName() + " is half applied on the target " + target + ": the lane"
                        + " of the old key deleted the old row, and the new row's column "
                        + update.relation().column(i).name() + " came as an unchanged TOAST value, which only the"
                        + " deleted row held, so walferry cannot write it. Start the pipeline over: walferry cleanup,"
                        + " then walferry replicate --truncate-target (a new full load)");
            }
        }
        try {
            apply(relations.get(update.relation(), connection).insertPlan(), null, row);
        } catch (SQLException e) {
            throw failedChange("INSERT of the new row of a key-changing UPDATE of " + update.relation().qualifiedName(), e);
        } catch (ApplyException e) {
            throw failedChange(e);
        }
    }

    /** The halves of a key change are for the exact path's session, which gathers nothing set-wise. */
    private void requireStatementByStatement() {
        if (setWise != null) {
            throw new IllegalStateException("a session that applies changes set-wise");
        }
    }

    /** Applies a DELETE, which must remove exactly one target row. */
    public void delete(DeleteMessage delete) {
        if (setWise != null && !replaying) {
            addSetWise(delete, delete.relation(), ChangeOp.DELETE);
            return;
        }
        try {
            apply(relations.get(delete.relation(), connection).deletePlan(delete), delete.oldTuple(), null);
            if (!replaying) {
                tally.add(metrics.table(delete.relation().qualifiedName()), ChangeOp.DELETE);
            }
        } catch (SQLException e) {
            throw failedChange("DELETE from " + delete.relation().qualifiedName(), e);
        } catch (ApplyException e) {
            throw failedChange(e);
        }
    }

    /**
     * Applies a TRUNCATE of the relations it lists, with RESTART IDENTITY when the source used it,
     * never with CASCADE: like PostgreSQL's own subscriber, the target truncates exactly the tables
     * the source sent (the source lists every table its CASCADE reached, when published), except
     * those {@code skip} names (a full load's copy already holds the TRUNCATE's effect).
     */
    public void truncate(TruncateMessage truncate, Predicate<RelationInfo> skip) {
        StringBuilder sql = new StringBuilder("TRUNCATE ");
        StringBuilder tables = new StringBuilder();
        int truncated = 0;
        try {
            flushSetWise(); // the lookups below read the target's catalog on the connection
            for (int i = 0; i < truncate.relationCount(); i++) {
                RelationInfo relation = truncate.relation(i);
                if (skip.test(relation)) {
                    continue;
                }
                sql.append(truncated == 0 ? "" : ", ").append(relations.get(relation, connection).truncateTarget());
                tables.append(truncated++ == 0 ? "" : ", ").append(relation.qualifiedName());
            }
        } catch (SQLException e) {
            throw failed("TRUNCATE", e);
        } catch (ApplyException e) {
            throw failed(e);
        }
        if (truncated == 0) {
            return;
        }
        if (truncate.restartIdentity()) {
            sql.append(" RESTART IDENTITY");
        }
        run(sql.toString(), "TRUNCATE of " + tables);
        dirty = true;
        for (int i = 0; i < truncate.relationCount(); i++) {
            RelationInfo relation = truncate.relation(i);
            if (!skip.test(relation)) {
                tally.add(metrics.table(relation.qualifiedName()), ChangeOp.TRUNCATE);
            }
        }
    }

    /**
     * Hands a change to the {@link SetWise} buffer instead of a statement (flushing it first when the
     * change's relation was described anew, and after when it is full).
     */
    private void addSetWise(PgOutputMessage change, RelationInfo relation, ChangeOp op) {
        try {
            if (setWise.describedAnew(relation)) {
                flushSetWise();
            }
            open = true;
            dirty = true;
            RelationSql sql = relations.cached(relation);
            if (sql == null) {
                // The lookup reads the target's catalog: not while a segment is applied on the connection.
                settleSetWise();
                sql = relations.get(relation, connection);
            }
            setWise.add(change, relation, sql.setStatements());
            tally.add(metrics.table(relation.qualifiedName()), op);
            if (setWise.full()) {
                flushSetWiseInBackground();
            }
        } catch (SQLException e) {
            throw failedChange(op + " of " + relation.qualifiedName(), e);
        } catch (ApplyException e) {
            throw failedChange(e);
        }
    }

    /**
     * Applies what the {@link SetWise} buffer holds, and what it applies in the background, before
     * returning (statement by statement through this session when it must): before anything else
     * uses the connection.
     */
    private void flushSetWise() throws SQLException {
        if (setWise == null) {
            return;
        }
        flushSetWiseInBackground();
        settleSetWise();
    }

    /**
     * Waits for the buffer's background apply, if any, re-applying its changes statement by statement
     * when it must. Its failure says so: it surfaces at whatever the session does next.
     */
    private void settleSetWise() throws SQLException {
        batch.execute();
        replaying = true;
        try {
            setWise.settle(this::replay);
        } catch (SQLException e) {
            throw new ApplyException(ApplyFailure.of(e), "applying a segment of changes set-wise failed: "
                    + TargetErrors.describe(e), e);
        } finally {
            replaying = false;
        }
        batch.execute();
    }

    /**
     * A full buffer: applied in the background while its successor fills (once the one before it
     * has settled). Nothing else may use the connection until {@link #settleSetWise} (every other
     * use goes through {@link #flushSetWise}, or clears the buffer, which waits).
     */
    private void flushSetWiseInBackground() throws SQLException {
        settleSetWise();
        replaying = true;
        try {
            setWise.flushInBackground(connection, this::replay);
        } finally {
            replaying = false;
        }
        // Statements of a segment it applied at once (one the algebra refused); none wait otherwise, and an
        // empty batch leaves the connection alone.
        batch.execute();
    }

    private void replay(PgOutputMessage change) {
        switch (change.type()) {
            case INSERT -> insert((InsertMessage) change);
            case UPDATE -> update((UpdateMessage) change);
            case DELETE -> delete((DeleteMessage) change);
            default -> throw new IllegalArgumentException("not a row change: " + change.type());
        }
    }

    /**
     * Applies this session's INSERT, UPDATE and DELETE changes set-wise through {@code buffer} from
     * now on (the batched mode's streamed transactions): they are gathered there and applied when it
     * is full, and before anything else this session runs (a TRUNCATE, a savepoint, the commit).
     */
    public void applySetWise(SetWise buffer) {
        this.setWise = buffer;
    }

    /**
     * Gathers row changes and applies them set-wise: the batched apply mode's buffer for one session.
     * Implementations apply what they cannot apply set-wise by handing the changes back, in source
     * order, to {@code rows}, which applies them statement by statement.
     */
    public interface SetWise extends AutoCloseable {
        /** Whether {@code relation} is a new description of a table the buffer holds changes of. */
        boolean describedAnew(RelationInfo relation);

        void add(PgOutputMessage change, RelationInfo relation, SetStatements statements);

        boolean full();

        /**
         * Starts applying what the buffer holds through {@code connection} on a thread of its own, leaving
         * the transaction open, and empties it ({@link #settle} first); what it cannot start that way
         * (a segment the algebra refused) it applies before returning.
         */
        void flushInBackground(Connection connection, java.util.function.Consumer<PgOutputMessage> rows)
                throws SQLException;

        /**
         * Waits until the background apply, if any, is over: its failure is thrown, and changes it
         * must apply statement by statement go to {@code rows} (through the same connection).
         */
        void settle(java.util.function.Consumer<PgOutputMessage> rows) throws SQLException;

        /** Forgets what the buffer holds (its changes were rolled back), after waiting for a background apply. */
        void clear();

        @Override
        void close();
    }

    private void apply(StatementPlan plan, TupleData oldTuple, TupleData newTuple) throws SQLException {
        open = true;
        if (batch.plan() != plan) {
            batch.execute();
        }
        PreparedStatement statement = statements.get(plan, relations.generation());
        dirty = true;
        batch.add(plan, statement, oldTuple, newTuple);
        if (batch.full()) {
            batch.execute();
        }
    }

    /** Sends the changes waiting in the batch, so that their errors surface now. */
    public void flush() {
        try {
            flushSetWise();
            batch.execute();
        } catch (SQLException e) {
            throw failedChange("applying changes set-wise", e);
        } catch (ApplyException e) {
            throw failedChange(e);
        }
    }

    /** Opens a savepoint for subtransaction {@code subXid} of a streamed transaction, unless it has one. */
    public void enterSubtransaction(long subXid) {
        if (!savepointXids.contains(subXid)) {
            run("SAVEPOINT " + savepointName(subXid), "opening a savepoint for subtransaction " + subXid, true);
            savepoints.addLong(subXid);
            savepointXids.add(subXid);
            tally.savepoint();
        }
    }

    /**
     * Undoes subtransaction {@code subXid} and everything applied after it began (ROLLBACK TO and
     * RELEASE of its savepoint). Returns false when it had changed nothing here.
     */
    public boolean rollbackSubtransaction(long subXid) {
        int index = savepoints.indexOf(subXid);
        if (index < 0) {
            return false;
        }
        // Changes still waiting in the batch came after the newest savepoint, so after this one too.
        batch.clear();
        if (setWise != null) {
            setWise.clear();
        }
        String name = savepointName(subXid);
        ApplyException stillHeld = held;
        held = null;
        run("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name, "rolling back subtransaction " + subXid);
        if (stillHeld != null && savepoints.indexOf(heldSubXid) < index) {
            held = stillHeld; // the failure belongs to an older subtransaction, which this rollback leaves
        }
        for (int i = savepoints.size() - 1; i >= index; i--) {
            savepointXids.remove(savepoints.removeAt(i));
        }
        tally.rollbackToSavepoint(index);
        return true;
    }

    /** True when the open target transaction holds changes. */
    public boolean hasChanges() {
        return dirty;
    }

    /**
     * Sends what waits, moves the progress row to {@code endLsn} (and the transaction's commit LSN
     * and xid), and commits.
     */
    public void commit(long endLsn) {
        long startedNanos = System.nanoTime();
        try {
            flushSetWise();
            batch.execute();
            if (recordProgress == null) {
                recordProgress = connection.prepareStatement(ProgressTable.RECORD);
            }
            progress.bindRecord(recordProgress, endLsn, transaction.commitLsn(), transaction.xid());
            if (!progress.recorded(recordProgress.executeUpdate())) {
                throw new ApplyException(ApplyFailure.TARGET_ERROR, "the progress row " + progress.describeRow()
                        + " is missing or already at or past end LSN " + Lsn.format(endLsn) + ": another walferry"
                        + " process may be applying pipeline \"" + progress.pipeline() + "\"; stop it");
            }
            connection.commit();
            metrics.transactionCommitted(System.nanoTime() - startedNanos);
            tally.committed();
            reset();
        } catch (SQLException e) {
            throw failed("committing", e);
        } catch (ApplyException e) {
            throw failed(e);
        }
    }

    /** Ends the target transaction without recording anything: rolls back what it holds, if anything. */
    public void rollback() {
        if (open) {
            rollbackQuietly();
        }
    }

    /** True once a rollback failed: the connection is unusable and must be closed. */
    public boolean broken() {
        return broken;
    }

    private void run(String sql, String what) {
        run(sql, what, false);
    }

    /** Runs {@code sql} after what waits; with {@code holdable}, a failure of a change is {@linkplain #failedChange held}. */
    private void run(String sql, String what, boolean holdable) {
        try {
            flushSetWise();
            batch.execute();
            open = true;
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw holdable ? failedChange(what, e) : failed(what, e);
        } catch (ApplyException e) {
            throw holdable ? failedChange(e) : failed(e);
        }
    }

    /**
     * A change failed inside a subtransaction's savepoint (of a streamed transaction): the session
     * rolls back to that savepoint only and holds the failure, since the source may yet abort the
     * subtransaction (PostgreSQL can send a subtransaction's changes without those of an aborted
     * parent they depend on, then the aborts). The caller discards the subtransaction's further
     * changes; its Stream Abort clears the failure ({@link #rollbackSubtransaction}); anything else
     * raises it ({@link #heldFailure()}). Outside a savepoint, or when the failure heals by
     * reconnecting, or when the rollback to the savepoint fails, it is {@link #failed} as usual.
     */
    private ApplyException failedChange(String what, SQLException error) {
        if (held == null && canHold(ApplyFailure.of(error))) {
            return hold(new ApplyException(ApplyFailure.of(error), what + " in " + transaction.describe()
                    + " failed on the target " + target + ": " + TargetErrors.describe(error), error));
        }
        return failed(what, error);
    }

    private ApplyException failedChange(ApplyException error) {
        if (error == held) {
            return error;
        }
        if (held == null && canHold(error.failure())) {
            return hold(error.withContext("in " + transaction.describe() + " on the target " + target));
        }
        return failed(error);
    }

    private boolean canHold(ApplyFailure failure) {
        return !failure.transientFailure() && !savepoints.isEmpty() && !broken;
    }

    private ApplyException hold(ApplyException failure) {
        long subXid = savepoints.getLong(savepoints.size() - 1);
        batch.clear();
        if (setWise != null) {
            setWise.clear();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK TO SAVEPOINT " + savepointName(subXid));
        } catch (SQLException e) {
            LOG.debug("rolling back to the savepoint of subtransaction {} failed", subXid, e);
            return failed(failure.withContext("the target transaction was rolled back"));
        }
        held = failure;
        heldSubXid = subXid;
        LOG.debug("holding a failure of subtransaction {} until the source says whether it aborted: {}", subXid,
                failure.getMessage());
        return failure;
    }

    /** The failure held for a subtransaction ({@link #failedChange}), or {@code null}. */
    public ApplyException heldFailure() {
        return held;
    }

    /** The subtransaction whose failure is held; meaningful while {@link #heldFailure()} is not null. */
    public long heldSubtransaction() {
        return heldSubXid;
    }

    /**
     * Raises the held failure: the source did not abort the subtransaction before going on (or
     * committed); the target transaction is rolled back.
     */
    public ApplyException raiseHeld(String context) {
        ApplyException failure = held;
        held = null;
        return failed(failure.withContext(context));
    }

    private ApplyException failed(String what, SQLException error) {
        rollbackQuietly();
        return new ApplyException(ApplyFailure.of(error), what + " in " + transaction.describe() + " failed on the target "
                + target + ": " + TargetErrors.describe(error) + "; the target transaction was rolled back", error);
    }

    private ApplyException failed(ApplyException error) {
        rollbackQuietly();
        return error.withContext("in " + transaction.describe() + " on the target " + target
                + "; the target transaction was rolled back");
    }

    private void rollbackQuietly() {
        batch.clear();
        if (setWise != null) {
            setWise.clear();
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            broken = true;
            LOG.debug("rolling back on the target {} failed", target, e);
        }
        reset();
    }

    private void reset() {
        held = null;
        open = false;
        dirty = false;
        savepoints.clear();
        savepointXids.clear();
        tally.clear();
    }

    private static String savepointName(long subXid) {
        return "walferry_subxact_" + subXid;
    }

    /** Rolls back an open target transaction and closes the connection. */
    @Override
    public void close() {
        rollback();
        if (setWise != null) {
            setWise.close();
        }
        statements.closeAll();
        try {
            if (recordProgress != null) {
                recordProgress.close();
            }
        } catch (SQLException ignored) {
            // Closed with the connection below.
        }
        TargetConnector.closeQuietly(connection);
    }
}
