package io.walferry.applier.batch;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.BatchOptions;
import io.walferry.applier.SkippedChanges;
import io.walferry.applier.session.ProgressTable;
import io.walferry.applier.session.TargetConnector;
import io.walferry.applier.sql.RelationSqlCache;
import io.walferry.applier.sql.SetStatements;
import io.walferry.decoder.BeginMessage;
import io.walferry.decoder.CommitMessage;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import io.walferry.engine.metrics.ApplyMetrics;
import io.walferry.engine.metrics.ChangeOp;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.source.ConnectionSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batched applier's work on the applier thread: decodes each message, gathers whole ordinary
 * transactions into the current {@link Cycle} (routing each row change to its lane by table and key,
 * and coalescing it), hands full batches to the {@link CycleExecutor}, and passes streamed
 * transactions to the {@link StreamedApply} after committing the batches before them. Routing and
 * coalescing are the {@link Coalescer}'s.
 */
public final class BatchRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRouter.class);

    private final TargetConnector connector;
    private final String pipelineName;
    private final BatchOptions options;
    private final Map<String, Long> tableSnapshots;
    private final SkippedChanges skippedChanges;
    private final Function<ProgressTable, StreamedApply> streamedFactory;
    private final RelationSqlCache relations = new RelationSqlCache();
    private ApplyMetrics metrics;
    private PgOutputDecoder decoder;
    private Connection catalog;
    private CycleExecutor executor;
    private StreamedApply streamed;
    private Cycle cycle;
    private Coalescer coalescer;
    private int laneCount;
    private long[] recorded;
    private long level;
    private boolean unlevel;
    private volatile long openedAt;
    private boolean inTransaction;
    private boolean skipping;
    private boolean failed;
    private long commitLsn;
    private long xid;

    public BatchRouter(ConnectionSpec target, String pipelineName, BatchOptions options,
                       Map<String, Long> tableSnapshots, Function<ProgressTable, StreamedApply> streamedFactory) {
        this.connector = new TargetConnector(target, pipelineName);
        this.pipelineName = pipelineName;
        this.options = options;
        this.tableSnapshots = Map.copyOf(tableSnapshots);
        this.skippedChanges = new SkippedChanges(tableSnapshots);
        this.streamedFactory = streamedFactory;
        this.metrics = PipelineMetrics.unpublished(pipelineName).apply();
    }

    public void recordInto(ApplyMetrics applyMetrics) {
        this.metrics = applyMetrics;
    }

    /**
     * Connects the lanes, reads (or creates) their progress rows, and returns the lowest: every
     * transaction ending at or before it is applied on every lane.
     */
    public long open(int protocolVersion) {
        closeAll();
        decoder = new PgOutputDecoder(protocolVersion);
        relations.clear();
        skippedChanges.clear();
        inTransaction = false;
        skipping = false;
        failed = false;
        catalog = connector.connect();
        laneCount = options.lanes();
        SortedMap<Integer, ProgressTable.Progress> rows;
        try {
            ProgressTable.create(catalog);
            SortedMap<Integer, ProgressTable.Progress> unfinished = ProgressTable.adopt(catalog, pipelineName, 1, laneCount);
            if (unfinished != null) {
                if (unfinished.firstKey() != 1 || unfinished.lastKey() != unfinished.size()) {
                    throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "the progress rows of pipeline \""
                            + pipelineName + "\" in " + ProgressTable.TABLE + " are lanes " + unfinished.keySet()
                            + " at different places: not rows walferry wrote; run walferry cleanup and start over");
                }
                LOG.warn("pipeline \"{}\" stopped in the middle of a batch applied by {} lanes: applying with {} lanes"
                        + " until they are level again, then --apply-lanes {} takes effect at the next start",
                        pipelineName, unfinished.size(), unfinished.size(), laneCount);
                laneCount = unfinished.size();
            }
            rows = ProgressTable.readAll(catalog, pipelineName);
            if (rows.isEmpty()) {
                ProgressTable.replaceLanes(catalog, pipelineName, 1, laneCount, new ProgressTable.Progress(0, 0, 0));
                rows = ProgressTable.readAll(catalog, pipelineName);
            }
            catalog.commit();
            catalog.setAutoCommit(true);
        } catch (SQLException e) {
            throw new ApplyException(ApplyFailure.of(e), "reading the applier's progress from " + ProgressTable.TABLE
                    + " on the target " + connector.describe() + " failed: " + e.getMessage() + "; the user needs the"
                    + " CREATE privilege on the database (for schema walferry) or an existing " + ProgressTable.TABLE
                    + " it may write", e);
        }
        recorded = new long[laneCount];
        long highest = Lsn.INVALID;
        level = Long.MAX_VALUE;
        for (int lane = 1; lane <= laneCount; lane++) {
            recorded[lane - 1] = rows.get(lane).endLsn();
            highest = Lsn.max(highest, recorded[lane - 1]);
            level = Lsn.compare(recorded[lane - 1], level) < 0 ? recorded[lane - 1] : level;
        }
        unlevel = highest != level;
        executor = new CycleExecutor(connector, pipelineName, protocolVersion, recorded, metrics, new SkippedChanges(tableSnapshots));
        streamed = streamedFactory.apply(ProgressTable.lanes(pipelineName, 1, laneCount));
        streamed.recordInto(metrics);
        streamed.open(protocolVersion, level);
        cycle = new Cycle(laneCount);
        coalescer = new Coalescer(laneCount, recorded);
        openedAt = level;
        LOG.info("applying pipeline \"{}\" to {} in batches, {} lanes, after end LSN {}", pipelineName,
                connector.describe(), laneCount, Lsn.format(level));
        return level;
    }

    /** The slot was just created at {@code consistentLsn}: every lane starts there. */
    public void slotCreated(long consistentLsn) {
        try {
            catalog.setAutoCommit(false);
            ProgressTable.lanes(pipelineName, 1, laneCount).recordStart(catalog, consistentLsn);
            catalog.setAutoCommit(true);
        } catch (SQLException e) {
            throw new ApplyException(ApplyFailure.of(e), "recording the new slot's start " + Lsn.format(consistentLsn)
                    + " in " + ProgressTable.TABLE + " on the target " + connector.describe() + " failed: "
                    + e.getMessage(), e);
        }
        for (int i = 0; i < recorded.length; i++) {
            recorded[i] = Lsn.max(recorded[i], consistentLsn);
        }
        level = Lsn.max(level, consistentLsn);
        coalescer = new Coalescer(laneCount, recorded);
        executor.close();
        executor = new CycleExecutor(connector, pipelineName, decoder.protocolVersion(), recorded, metrics,
                new SkippedChanges(tableSnapshots));
        streamed.open(decoder.protocolVersion(), level);
        openedAt = level;
    }

    public void onMessage(DirectBuffer buffer, int offset, int length, long lsn) {
        if (decoder == null || failed) {
            throw new IllegalStateException(decoder == null ? "the applier is not open: call open() first"
                    : "the applier failed on an earlier message: call open() again to resume from the recorded progress");
        }
        try {
            if (decoder.state() == PgOutputDecoder.State.IN_STREAM_BLOCK && rowChange(buffer.getByte(offset))) {
                // A streamed transaction's change is the streamed path's alone, which decodes it: once is enough
                // (row changes leave the decoder's state and relations as they are).
                streamed.onMessage(buffer, offset, length, lsn);
                return;
            }
            dispatch(decoder.wrap(buffer, offset, length), buffer, offset, length, lsn);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private static boolean rowChange(byte typeByte) {
        return typeByte == 'I' || typeByte == 'U' || typeByte == 'D' || typeByte == 'T';
    }

    private void dispatch(MessageType type, DirectBuffer buffer, int offset, int length, long lsn) {
        boolean inStream = decoder.state() == PgOutputDecoder.State.IN_STREAM_BLOCK;
        switch (type) {
            case BEGIN -> onBegin(decoder.begin(), buffer, offset, length, lsn);
            case COMMIT -> onCommit(decoder.commit(), buffer, offset, length, lsn);
            case INSERT, UPDATE, DELETE, TRUNCATE -> {
                if (!inTransaction) {
                    throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, type.displayName() + " arrived outside a"
                            + " transaction (expected: after BEGIN or STREAM START)");
                } else if (!skipping) {
                    onChange(type, buffer, offset, length, lsn);
                }
                return;
            }
            case RELATION -> {
                // Inside a streamed block it describes the relation for that block (with the block's xid,
                // which the exact path's decoder would misread); the batch is empty then (the batches are
                // committed at Stream Start), and its changes take the relation as it stands when they come.
                if (!inStream) {
                    cycle.log(buffer, offset, length);
                }
            }
            case STREAM_START, STREAM_COMMIT -> commitBatches();
            default -> {
                // Type, Origin and logical messages apply nothing; Stream Stop / Abort and two-phase
                // messages are the streamed path's (which refuses the latter).
            }
        }
        streamed.onMessage(buffer, offset, length, lsn);
    }

    private void onBegin(BeginMessage begin, DirectBuffer buffer, int offset, int length, long lsn) {
        if (inTransaction) {
            throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, "BEGIN of transaction " + begin.xid()
                    + " arrived inside another (expected: COMMIT first)");
        }
        inTransaction = true;
        commitLsn = begin.finalLsn();
        xid = begin.xid();
        // Below the lowest lane, every lane has it; above it, each lane decides (applies()).
        skipping = Lsn.compare(commitLsn, level) < 0;
        if (!skipping) {
            cycle.log(buffer, offset, length);
        }
    }

    private void onCommit(CommitMessage commit, DirectBuffer buffer, int offset, int length, long lsn) {
        if (!inTransaction) {
            throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, "COMMIT arrived outside a transaction"
                    + " (expected: BEGIN first)");
        }
        inTransaction = false;
        if (skipping) {
            return;
        }
        cycle.log(buffer, offset, length);
        cycle.committed(commit.endLsn(), commit.commitLsn(), xid, commit.commitTimeMicros());
        if (cycle.exact() || cycle.changes() >= options.batchRows() || cycle.log.size() >= options.batchBytes()
                || System.nanoTime() - cycle.startedNanos() >= options.flushMillis() * 1_000_000L) {
            submit();
        }
    }

    /** No message for a while: applies the batch gathered so far, unless a transaction is half in it. */
    public void onIdle() {
        if (executor == null || failed) {
            return;
        }
        try {
            executor.checkFailed();
            if (!inTransaction && cycle.hasTransactions()) {
                submit();
            }
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
    }

    private void submit() {
        executor.submit(cycle);
        cycle = new Cycle(laneCount);
    }

    /** Commits every batch gathered so far: a streamed transaction's changes or commit come next. */
    private void commitBatches() {
        if (cycle.hasTransactions()) {
            submit();
        }
        executor.await();
    }

    private void onChange(MessageType type, DirectBuffer buffer, int offset, int length, long lsn) {
        if (type == MessageType.TRUNCATE) {
            int index = cycle.log(buffer, offset, length);
            cycle.log.route(index, 0, 0);
            cycle.exact("a TRUNCATE");
            for (int i = 0; i < decoder.truncate().relationCount(); i++) {
                RelationInfo relation = decoder.truncate().relation(i);
                cycle.seed(relation);
                if (!skippedChanges.skips(relation, commitLsn)) {
                    cycle.counted(relation.qualifiedName(), ChangeOp.TRUNCATE);
                }
            }
            return;
        }
        RelationInfo relation = type == MessageType.INSERT ? decoder.insert().relation()
                : type == MessageType.UPDATE ? decoder.update().relation() : decoder.delete().relation();
        if (skippedChanges.skips(relation, commitLsn)) {
            return;
        }
        SetStatements sql;
        try {
            sql = relations.get(relation, catalog).setStatements();
        } catch (SQLException e) {
            throw new ApplyException(ApplyFailure.of(e), "reading the target's definition of " + relation.qualifiedName()
                    + " on " + connector.describe() + " failed: " + e.getMessage(), e);
        }
        cycle.seed(relation);
        int index = cycle.log(buffer, offset, length);
        cycle.counted(relation.qualifiedName(), type == MessageType.INSERT ? ChangeOp.INSERT
                : type == MessageType.UPDATE ? ChangeOp.UPDATE : ChangeOp.DELETE);
        if (quick(index)) {
            return;
        }
        switch (type) {
            case INSERT -> coalescer.insert(cycle, decoder.insert(), relation, sql, index, commitLsn);
            case UPDATE -> coalescer.update(cycle, decoder.update(), relation, sql, index, commitLsn);
            default -> coalescer.delete(cycle, decoder.delete(), relation, sql, index, commitLsn);
        }
    }

    /**
     * In a batch already bound for the exact path, while every lane stands at the same place, a
     * change needs no routing (any lane decides alike): routes it to lane 0 and returns true.
     */
    private boolean quick(int index) {
        if (cycle.exact() && !unlevel) {
            cycle.log.route(index, 0, 0);
            return true;
        }
        return false;
    }

    /** The end LSN of the last source transaction committed on the target, on every lane. */
    public long durableLsn() {
        CycleExecutor batches = executor;
        StreamedApply streams = streamed;
        long durable = openedAt;
        if (batches != null) {
            durable = Lsn.max(durable, batches.durableLsn());
        }
        if (streams != null) {
            durable = Lsn.max(durable, streams.durableLsn());
        }
        return durable;
    }

    @Override
    public void close() {
        closeAll();
    }

    private void closeAll() {
        if (executor != null) {
            executor.close();
        }
        if (streamed != null) {
            streamed.close();
        }
        if (catalog != null) {
            TargetConnector.closeQuietly(catalog);
            catalog = null;
        }
    }
}
