package io.walferry.applier;

import io.walferry.applier.batch.SegmentSink;
import io.walferry.applier.session.ProgressTable;
import io.walferry.applier.session.TargetConnector;
import io.walferry.applier.session.TargetSession;
import io.walferry.applier.sql.RelationSqlCache;
import io.walferry.decoder.BeginMessage;
import io.walferry.decoder.CommitMessage;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.StreamAbortMessage;
import io.walferry.decoder.StreamCommitMessage;
import io.walferry.decoder.StreamStartMessage;
import io.walferry.engine.metrics.ApplyMetrics;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional apply mode: one lane, every source transaction applied whole and in commit
 * order, its progress recorded in the same target transaction ({@link ProgressTable}, lane
 * {@value #LANE}).
 *
 * <ul>
 *   <li>Ordinary transactions (BEGIN ... COMMIT, contiguous in the stream) are applied on the main
 *       target session and committed when their COMMIT arrives. One that changed nothing (PostgreSQL 14
 *       sends empty ones, or only logical messages) writes nothing; its end LSN still counts as durable.</li>
 *   <li>Streamed transactions (protocol 2+) are applied as their blocks arrive, each on a target session
 *       of its own; their subtransactions become savepoints, rolled back on a subtransaction's Stream
 *       Abort; Stream Commit records progress and commits, Stream Abort rolls back.</li>
 *   <li>Restart: {@link #open} reads the recorded end LSN; a transaction whose commit LSN is below it
 *       (so its end LSN at or below it) is already on the target and is skipped, decided at BEGIN
 *       (whose final LSN is the commit LSN) or, for a streamed one, at Stream Commit (its end LSN):
 *       commit LSNs strictly increase along the stream, so this skips exactly what was applied. A
 *       restarted stream also re-streams applied transactions that were still open at its start
 *       position; until the first transaction past the recorded LSN commits, a streamed transaction's
 *       failure (a duplicate key, say) is therefore held back and its changes discarded, and its
 *       Stream Commit decides: skipped when at or below the recorded LSN, raised otherwise.</li>
 *   <li>Two-phase messages are refused: the stream must not ask for {@code two_phase}, so that a
 *       prepared transaction arrives as an ordinary one at COMMIT PREPARED.</li>
 *   <li>Relation, Type, Origin and logical Message messages apply nothing (the first two feed the
 *       decoder's cache).</li>
 * </ul>
 *
 * <p>Threading: {@link #open}, {@link #onMessage} and {@link #close} run on the applier thread;
 * {@link #durableLsn} may be read from any thread.
 */
public final class TransactionalApplier implements ApplyHandler {
    /** The transactional applier's lane in {@code walferry.apply_progress}. */
    public static final int LANE = 0;

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalApplier.class);

    private final TargetConnector connector;
    private final String pipelineName;
    private final ApplierOptions options;
    private final ProgressTable progress;
    private final RelationSqlCache relations = new RelationSqlCache();
    private final SkippedChanges skippedChanges;
    /** Applies streamed transactions only, for the batched applier, which applies the others. */
    private final boolean streamedOnly;
    private final int segmentChanges;
    private ApplyMetrics metrics;
    private PgOutputDecoder decoder;
    private TargetSession main;
    private StreamedTransactions streams;
    private StreamedTransaction block;
    private volatile long durableLsn;
    private long recordedEndLsn;
    private boolean replayZone;
    private boolean inTransaction;
    private boolean skipping;
    private boolean failed;
    private long beginFinalLsn;

    /** An applier into {@code target} for the pipeline {@code pipelineName}, with default options. */
    public TransactionalApplier(ConnectionSpec target, String pipelineName) {
        this(target, pipelineName, ApplierOptions.DEFAULTS);
    }

    public TransactionalApplier(ConnectionSpec target, String pipelineName, ApplierOptions options) {
        this(target, pipelineName, options, Map.of());
    }

    /**
     * An applier that also skips, for the tables in {@code tableSnapshots} (keyed {@code schema \0
     * table}), the changes of transactions that committed before the given LSN: a resumed full load
     * copied those tables under a snapshot taken at that LSN, later than the slot's start.
     */
    public TransactionalApplier(ConnectionSpec target, String pipelineName, ApplierOptions options,
                                Map<String, Long> tableSnapshots) {
        this(target, pipelineName, options, tableSnapshots, new ProgressTable(pipelineName, LANE), false);
    }

    /**
     * With {@code streamedOnly}, an applier of the streamed transactions alone, for the batched
     * applier: it is handed every message, ignores ordinary transactions (the batched applier
     * applies them), records each streamed transaction's end in the rows of {@code progress} (every
     * lane), and is opened with {@link #openStreamedOnly}; its {@link #durableLsn()} moves with
     * streamed transactions only.
     */
    TransactionalApplier(ConnectionSpec target, String pipelineName, ApplierOptions options,
                         Map<String, Long> tableSnapshots, ProgressTable progress, boolean streamedOnly) {
        this(target, pipelineName, options, tableSnapshots, progress, streamedOnly, 0);
    }

    /** The same, with segments of at most {@code segmentChanges} changes for a streamed transaction (0: the default). */
    TransactionalApplier(ConnectionSpec target, String pipelineName, ApplierOptions options,
                         Map<String, Long> tableSnapshots, ProgressTable progress, boolean streamedOnly,
                         int segmentChanges) {
        this.segmentChanges = segmentChanges;
        this.connector = new TargetConnector(target, pipelineName);
        this.pipelineName = pipelineName;
        this.options = options;
        this.progress = progress;
        this.skippedChanges = new SkippedChanges(tableSnapshots);
        this.streamedOnly = streamedOnly;
        this.metrics = PipelineMetrics.unpublished(pipelineName).apply();
    }

    /**
     * Opens a {@code streamedOnly} applier for a stream whose transactions ending at or before
     * {@code recordedEndLsn} are applied (the lowest lane's progress).
     */
    void openStreamedOnly(int protocolVersion, long recordedEndLsn) {
        closeSessions();
        decoder = new PgOutputDecoder(protocolVersion);
        relations.clear();
        skippedChanges.clear();
        this.recordedEndLsn = recordedEndLsn;
        durableLsn = Lsn.max(durableLsn, recordedEndLsn);
        replayZone = recordedEndLsn != Lsn.INVALID;
        streams = new StreamedTransactions(this::newSession, options.idleStreamSessions());
        block = null;
        inTransaction = false;
        skipping = false;
        failed = false;
    }

    /** Counts what this applier commits into {@code applyMetrics}; takes effect at the next {@link #open}. */
    @Override
    public void recordInto(ApplyMetrics applyMetrics) {
        this.metrics = applyMetrics;
    }

    @Override
    public long open(int protocolVersion) {
        closeSessions();
        decoder = new PgOutputDecoder(protocolVersion);
        relations.clear();
        skippedChanges.clear();
        main = newSession();
        java.util.SortedMap<Integer, ProgressTable.Progress> lanes = main.adoptLanes(LANE, LANE);
        if (lanes != null) {
            throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "pipeline \"" + pipelineName + "\" was applied in"
                    + " batched mode with " + lanes.size() + " lanes, which stopped at different places (end LSNs "
                    + lanes.values().stream().map(lane -> Lsn.format(lane.endLsn())).toList() + "), so the transactional mode cannot tell what is applied: run it again with --apply-mode batched"
                    + " --apply-lanes " + lanes.size() + " until it has applied a batch (the lanes are then level), then"
                    + " switch");
        }
        recordedEndLsn = main.readProgress().endLsn();
        durableLsn = Lsn.max(durableLsn, recordedEndLsn);
        replayZone = recordedEndLsn != Lsn.INVALID;
        streams = new StreamedTransactions(this::newSession, options.idleStreamSessions());
        block = null;
        inTransaction = false;
        skipping = false;
        failed = false;
        LOG.info("applying pipeline \"{}\" to {} after end LSN {}", pipelineName, connector.describe(),
                Lsn.format(recordedEndLsn));
        return recordedEndLsn;
    }

    /**
     * The pipeline just created the slot at {@code consistentLsn}: record it as the progress, so
     * the pipeline has state from now on (a lost slot is then detected, never silently replaced).
     */
    @Override
    public void slotCreated(long consistentLsn) {
        main.recordStart(consistentLsn);
        recordedEndLsn = Lsn.max(recordedEndLsn, consistentLsn);
        durableLsn = Lsn.max(durableLsn, consistentLsn);
        LOG.info("pipeline \"{}\": recorded the new slot's start {} on {}", pipelineName, Lsn.format(consistentLsn),
                connector.describe());
    }

    private TargetSession newSession() {
        TargetSession session = new TargetSession(connector, relations, progress, options, metrics);
        if (streamedOnly) {
            // The batched mode applies streamed transactions set-wise too, segment by segment.
            session.applySetWise(new SegmentSink(decoder.protocolVersion(), metrics, segmentChanges));
        }
        return session;
    }

    @Override
    public void onMessage(DirectBuffer buffer, int offset, int length, long lsn) {
        if (decoder == null || failed) {
            throw new IllegalStateException(decoder == null ? "the applier is not open: call open() first"
                    : "the applier failed on an earlier message: call open() again to resume from the recorded progress");
        }
        try {
            dispatch(decoder.wrap(buffer, offset, length));
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private void dispatch(MessageType type) {
        switch (type) {
            case BEGIN -> onBegin(decoder.begin());
            case COMMIT -> onCommit(decoder.commit());
            case INSERT -> {
                TargetSession session = sessionForChange(decoder.insert().xid(), type);
                if (session != null && !skipped(decoder.insert().relation())) {
                    applyChange(session, type);
                }
            }
            case UPDATE, DELETE, TRUNCATE -> {
                long xid = type == MessageType.UPDATE ? decoder.update().xid()
                        : type == MessageType.DELETE ? decoder.delete().xid() : decoder.truncate().xid();
                TargetSession session = sessionForChange(xid, type);
                RelationInfo relation = type == MessageType.UPDATE ? decoder.update().relation()
                        : type == MessageType.DELETE ? decoder.delete().relation() : null;
                if (session != null && (relation == null || !skipped(relation))) {
                    applyChange(session, type);
                }
            }
            case STREAM_START -> onStreamStart(decoder.streamStart());
            case STREAM_STOP -> onStreamStop();
            case STREAM_COMMIT -> onStreamCommit(decoder.streamCommit());
            case STREAM_ABORT -> onStreamAbort(decoder.streamAbort());
            case BEGIN_PREPARE, PREPARE, COMMIT_PREPARED, ROLLBACK_PREPARED, STREAM_PREPARE -> throw new ApplyException(
                    ApplyFailure.UNSUPPORTED_STREAM, type.displayName() + " arrived: two_phase must not be enabled for"
                    + " this slot; the transactional applier applies a prepared transaction as an ordinary one at"
                    + " COMMIT PREPARED. Start the stream without two_phase = on, from a slot created without TWO_PHASE");
            default -> {
                // RELATION and TYPE only feed the decoder's cache; ORIGIN and MESSAGE apply nothing.
            }
        }
    }

    private void applyChange(TargetSession session, MessageType type) {
        try {
            switch (type) {
                case INSERT -> session.insert(decoder.insert());
                case UPDATE -> session.update(decoder.update());
                case DELETE -> session.delete(decoder.delete());
                default -> session.truncate(decoder.truncate(), this::skipped);
            }
        } catch (ApplyException e) {
            deferOrThrow(block, e);
        }
    }

    /** The session a change goes to, or {@code null} when it is skipped. */
    private TargetSession sessionForChange(long changeXid, MessageType type) {
        if (decoder.state() == PgOutputDecoder.State.IN_STREAM_BLOCK) {
            if (block.deferredFailure() != null) {
                return null;
            }
            TargetSession session = streams.session(block);
            if (session.heldFailure() != null) {
                if (changeXid != block.xid()) {
                    return null; // a (sub)transaction inside the failed one, or itself: discarded until its abort
                }
                deferOrThrow(block, session.raiseHeld("streamed source transaction " + block.xid() + " went on without"
                        + " aborting subtransaction " + session.heldSubtransaction() + "; the target transaction was"
                        + " rolled back"));
                return null;
            }
            if (changeXid != block.xid()) {
                try {
                    session.enterSubtransaction(changeXid);
                } catch (ApplyException e) {
                    deferOrThrow(block, e);
                    return null;
                }
            }
            return session;
        }
        if (!inTransaction) {
            throw outOfOrder(type.displayName() + " arrived outside a transaction (expected: after BEGIN or STREAM START)");
        }
        return skipping ? null : main;
    }

    /**
     * Whether a change of {@code relation} is not applied: walferry's own state on the source (schema
     * {@code walferry}: the source was itself a walferry target, and a publication FOR ALL TABLES
     * carries it), which must never overwrite the target's, or a change a resumed load's copy holds.
     */
    private boolean skipped(RelationInfo relation) {
        return SkippedChanges.state(relation) || coveredByCopy(relation);
    }

    /**
     * Whether a change of {@code relation} in the current transaction is already in the target
     * because a resumed full load copied the table under a snapshot taken after this transaction
     * committed (its commit LSN is before that snapshot's consistent point): then it is skipped.
     * Only ordinary transactions can be told apart this way (their commit LSN comes with BEGIN), so
     * the pipeline streams without in-progress transactions while such tables exist.
     */
    private boolean coveredByCopy(RelationInfo relation) {
        long snapshotLsn = skippedChanges.snapshotLsn(relation);
        if (snapshotLsn == Lsn.INVALID) {
            return false;
        }
        if (decoder.state() == PgOutputDecoder.State.IN_STREAM_BLOCK) {
            if (Lsn.compare(recordedEndLsn, snapshotLsn) >= 0) {
                return false;
            }
            throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, "a streamed transaction changes "
                    + relation.qualifiedName() + ", whose copy was taken at " + Lsn.format(snapshotLsn)
                    + ", after the slot's start: the applier cannot tell whether the copy holds the change before the"
                    + " transaction commits. This is a bug in walferry (it streams without in-progress transactions"
                    + " while such tables exist): please report it");
        }
        return Lsn.compare(beginFinalLsn, snapshotLsn) < 0;
    }

    private void deferOrThrow(StreamedTransaction transaction, ApplyException failure) {
        if (transaction != null && transaction.session() != null && transaction.session().heldFailure() == failure) {
            return; // held for its subtransaction, which the source may still abort
        }
        if (transaction == null || !transaction.mayBeReplay() || failure.failure().transientFailure()) {
            throw failure;
        }
        LOG.debug("holding back a failure of streamed transaction {} until its commit shows whether it was"
                + " already applied: {}", transaction.xid(), failure.getMessage());
        transaction.defer(failure);
    }

    private void onBegin(BeginMessage begin) {
        if (inTransaction) {
            throw outOfOrder("BEGIN of transaction " + begin.xid() + " arrived inside another (expected: COMMIT first)");
        }
        inTransaction = true;
        beginFinalLsn = begin.finalLsn();
        skipping = streamedOnly || Lsn.compare(begin.finalLsn(), recordedEndLsn) < 0;
        if (skipping) {
            LOG.debug("skipping transaction {} (commit LSN {}): already applied", begin.xid(), Lsn.format(begin.finalLsn()));
        } else {
            main.transaction().ordinary(begin.xid(), begin.finalLsn());
        }
    }

    private void onCommit(CommitMessage commit) {
        if (!inTransaction) {
            throw outOfOrder("COMMIT arrived outside a transaction (expected: BEGIN first)");
        }
        inTransaction = false;
        if (!skipping) {
            if (main.hasChanges()) {
                main.transaction().committedAt(commit.commitLsn());
                main.commit(commit.endLsn());
            } else {
                main.rollback();
            }
            metrics.sourceCommitApplied(commit.commitTimeMicros());
        }
        if (streamedOnly) {
            leaveReplayZone(commit.endLsn());
        } else {
            advance(commit.endLsn());
        }
    }

    private void onStreamStart(StreamStartMessage start) {
        if (inTransaction) {
            throw outOfOrder("STREAM START of transaction " + start.xid() + " arrived inside an ordinary transaction"
                    + " (expected: COMMIT first)");
        }
        block = start.firstSegment() ? streams.begin(start.xid(), replayZone) : streams.get(start.xid());
        if (block == null) {
            throw outOfOrder("STREAM START continues transaction " + start.xid() + ", whose first segment never"
                    + " arrived (expected: first-segment flag 1)");
        }
    }

    private void onStreamStop() {
        StreamedTransaction stopped = block;
        block = null;
        if (stopped.session() != null && stopped.deferredFailure() == null) {
            try {
                stopped.session().flush();
            } catch (ApplyException e) {
                deferOrThrow(stopped, e);
            }
        }
    }

    private void onStreamCommit(StreamCommitMessage commit) {
        StreamedTransaction transaction = streams.remove(commit.xid());
        long endLsn = commit.endLsn();
        try {
            if (Lsn.compare(endLsn, recordedEndLsn) <= 0) {
                LOG.debug("skipping streamed transaction {} (end LSN {}): already applied", commit.xid(), Lsn.format(endLsn));
            } else if (transaction == null) {
                throw outOfOrder("STREAM COMMIT of transaction " + commit.xid() + ", which never started"
                        + " (expected: STREAM START first)");
            } else if (transaction.session() != null && transaction.session().heldFailure() != null) {
                throw transaction.session().raiseHeld("streamed source transaction " + commit.xid() + " committed at LSN "
                        + Lsn.format(commit.commitLsn()) + " without aborting subtransaction "
                        + transaction.session().heldSubtransaction() + "; the target transaction was rolled back");
            } else if (transaction.deferredFailure() != null) {
                throw transaction.deferredFailure().withContext("streamed source transaction " + commit.xid()
                        + " committed at LSN " + Lsn.format(commit.commitLsn()) + ", after the applier's recorded progress");
            } else {
                if (transaction.session() != null && transaction.session().hasChanges()) {
                    transaction.session().transaction().committedAt(commit.commitLsn());
                    transaction.session().commit(endLsn);
                }
                metrics.sourceCommitApplied(commit.commitTimeMicros());
            }
        } finally {
            if (transaction != null) {
                streams.release(transaction);
            }
        }
        advance(endLsn);
    }

    private void onStreamAbort(StreamAbortMessage abort) {
        if (abort.topLevel()) {
            StreamedTransaction transaction = streams.remove(abort.xid());
            if (transaction != null) {
                streams.release(transaction);
            }
            return;
        }
        StreamedTransaction transaction = streams.get(abort.xid());
        if (transaction != null && transaction.session() != null && transaction.deferredFailure() == null) {
            try {
                transaction.session().rollbackSubtransaction(abort.subXid());
            } catch (ApplyException e) {
                deferOrThrow(transaction, e);
            }
        }
    }

    private void advance(long endLsn) {
        if (Lsn.compare(endLsn, durableLsn) > 0) {
            durableLsn = endLsn;
        }
        leaveReplayZone(endLsn);
    }

    private void leaveReplayZone(long endLsn) {
        if (replayZone && Lsn.compare(endLsn, recordedEndLsn) > 0) {
            replayZone = false;
        }
    }

    private static ApplyException outOfOrder(String detail) {
        return new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, detail);
    }

    @Override
    public long durableLsn() {
        return durableLsn;
    }

    /** Streamed transactions open at this point of the stream; for tests and metrics. */
    public int openStreamedTransactions() {
        return streams == null ? 0 : streams.openCount();
    }

    @Override
    public void close() {
        closeSessions();
    }

    private void closeSessions() {
        if (streams != null) {
            streams.close();
            streams = null;
        }
        if (main != null) {
            main.close();
            main = null;
        }
    }
}
