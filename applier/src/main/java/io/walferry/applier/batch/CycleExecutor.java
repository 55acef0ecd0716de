package io.walferry.applier.batch;

import io.walferry.applier.ApplierOptions;
import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.SkippedChanges;
import io.walferry.applier.session.ProgressTable;
import io.walferry.applier.session.TargetConnector;
import io.walferry.applier.session.TargetSession;
import io.walferry.applier.sql.RelationSqlCache;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.metrics.ApplyMetrics;
import io.walferry.engine.metrics.ChangeOp;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the batches the applier thread hands it, one at a time, while the applier thread gathers
 * the next: each lane applies its share on its own connection and thread, set-wise; when every lane
 * has, they all commit, each with its progress row; when one hit an {@linkplain
 * OrderingFailure ordering failure} (or the batch was exact from the start), every lane
 * rolls back and the batch is applied statement by statement in source order on one more connection,
 * which records every lane's progress in the same transaction.
 *
 * <p>A crash between two lanes' commits leaves the lanes at different places; after a restart each
 * lane skips the changes of the transactions its row says it has ({@link #applies}), on both paths.
 */
final class CycleExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CycleExecutor.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final TargetConnector connector;
    private final String pipeline;
    private final int protocolVersion;
    private final ApplyMetrics metrics;
    /** Which relations of a TRUNCATE the exact path leaves alone; this thread's own instance. */
    private final SkippedChanges skippedChanges;
    /** Where each lane's progress row stands (index 0 is lane 1); coordinator thread only, after construction. */
    private final long[] recorded;
    private final ExecutorService coordinator;
    private final ExecutorService[] laneThreads;
    private final LaneSession[] lanes;
    private final RelationSqlCache exactRelations = new RelationSqlCache();
    private TargetSession exact;
    private Future<?> inFlight;
    private volatile long durableLsn;

    CycleExecutor(TargetConnector connector, String pipeline, int protocolVersion, long[] recorded,
                  ApplyMetrics metrics, SkippedChanges skippedChanges) {
        this.connector = connector;
        this.pipeline = pipeline;
        this.protocolVersion = protocolVersion;
        this.recorded = recorded.clone();
        this.metrics = metrics;
        this.skippedChanges = skippedChanges;
        this.coordinator = Executors.newSingleThreadExecutor(named("walferry-batch-" + pipeline));
        this.laneThreads = new ExecutorService[recorded.length];
        this.lanes = new LaneSession[recorded.length];
        try {
            for (int i = 0; i < lanes.length; i++) {
                laneThreads[i] = Executors.newSingleThreadExecutor(named("walferry-lane-" + (i + 1) + "-" + pipeline));
                lanes[i] = new LaneSession(connector, pipeline, i + 1, metrics);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Hands {@code cycle} over, once the batch before it is committed; throws that batch's failure. */
    void submit(Cycle cycle) {
        await();
        inFlight = coordinator.submit(() -> {
            run(cycle);
            return null;
        });
    }

    /** Waits until the batch handed over last is committed; throws its failure. */
    void await() {
        if (inFlight == null) {
            return;
        }
        Future<?> waited = inFlight;
        inFlight = null;
        try {
            waited.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException(ApplyFailure.TRANSIENT, "interrupted while a batch was being applied", e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** Throws the failure of the batch handed over last if it has already failed; returns at once otherwise. */
    void checkFailed() {
        if (inFlight != null && inFlight.isDone()) {
            await();
        }
    }

    /** The end LSN of the last batch committed on the target. */
    long durableLsn() {
        return durableLsn;
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new ApplyException(ApplyFailure.TARGET_ERROR, "applying a batch failed: " + cause, cause);
    }

    private void run(Cycle cycle) throws Exception {
        long started = System.nanoTime();
        if (cycle.changes() == 0 && !cycle.exact()) {
            // Transactions without a change for the target (or only changes skipped): nothing to write.
            metrics.sourceCommitApplied(cycle.lastCommitTimeMicros());
            durableLsn = Lsn.max(durableLsn, cycle.endLsn());
            return;
        }
        if (cycle.exact()) {
            LOG.debug("applying a batch of {} transactions the exact way: {}", cycle.transactions(), cycle.exactReason());
            applyExact(cycle);
        } else {
            String failure = applySetWise(cycle);
            if (failure != null) {
                metrics.fallback();
                LOG.info("a batch of {} source transactions (up to end LSN {}) is applied statement by statement in"
                        + " source order instead: {}", cycle.transactions(), Lsn.format(cycle.endLsn()), failure);
                applyExact(cycle);
            }
        }
        for (int i = 0; i < recorded.length; i++) {
            recorded[i] = Lsn.max(recorded[i], cycle.endLsn());
        }
        metrics.batchCommitted(cycle.transactions(), System.nanoTime() - started);
        for (Map.Entry<String, long[]> table : cycle.tally().entrySet()) {
            long[] counts = table.getValue();
            for (ChangeOp op : ChangeOp.values()) {
                if (counts[op.ordinal()] > 0) {
                    metrics.table(table.getKey()).applied(op, counts[op.ordinal()]);
                }
            }
        }
        metrics.sourceCommitApplied(cycle.lastCommitTimeMicros());
        durableLsn = Lsn.max(durableLsn, cycle.endLsn());
    }

    /** Applies the batch on every lane and commits; returns why it must be applied the exact way instead, or null. */
    private String applySetWise(Cycle cycle) throws Exception {
        Future<?>[] applied = new Future<?>[lanes.length];
        for (int i = 0; i < lanes.length; i++) {
            LaneSession lane = lanes[i];
            Map<Integer, TableBatch> share = cycle.lane(i);
            long laneRecorded = recorded[i];
            applied[i] = laneThreads[i].submit(() -> {
                lane.apply(share, cycle.endLsn(), cycle.commitLsn(), cycle.xid(), laneRecorded);
                return null;
            });
        }
        Throwable ordering = null;
        Throwable other = null;
        for (Future<?> future : applied) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof OrderingFailure) {
                    ordering = ordering == null ? e.getCause() : ordering;
                } else {
                    other = other == null ? e.getCause() : other;
                }
            }
        }
        if (ordering == null && other == null) {
            Future<?>[] committed = new Future<?>[lanes.length];
            for (int i = 0; i < lanes.length; i++) {
                committed[i] = laneThreads[i].submit(lanes[i]::commit);
            }
            Throwable failed = null;
            for (Future<?> future : committed) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    failed = failed == null ? e.getCause() : failed;
                }
            }
            if (failed != null) {
                throw rethrown(failed);
            }
            return null;
        }
        for (int i = 0; i < lanes.length; i++) {
            laneThreads[i].submit(lanes[i]::rollback).get();
        }
        if (other != null) {
            throw rethrown(other);
        }
        return ordering.getMessage();
    }

    /** Whether the change of a transaction committed at {@code commitLsn}, routed to {@code lane}, still needs applying. */
    private boolean applies(int lane, long commitLsn) {
        return Lsn.compare(commitLsn, recorded[lane]) >= 0;
    }

    /** Applies the batch statement by statement in source order on one session, recording every lane. */
    private void applyExact(Cycle cycle) {
        if (exact == null || exact.broken()) {
            if (exact != null) {
                exact.close();
            }
            exact = new TargetSession(connector, exactRelations, ProgressTable.lanes(pipeline, 1, lanes.length),
                    ApplierOptions.DEFAULTS, metrics);
        }
        PgOutputDecoder decoder = cycle.replayDecoder(protocolVersion);
        RawLog log = cycle.log;
        long commitLsn = Lsn.INVALID;
        long lowest = recorded[0];
        for (long lane : recorded) {
            lowest = Lsn.compare(lane, lowest) < 0 ? lane : lowest;
        }
        for (int i = 0; i < log.count(); i++) {
            MessageType type = log.read(decoder, i);
            switch (type) {
                case BEGIN -> {
                    commitLsn = decoder.begin().finalLsn();
                    exact.transaction().ordinary(decoder.begin().xid(), commitLsn);
                }
                case COMMIT -> exact.transaction().committedAt(decoder.commit().commitLsn());
                case INSERT -> {
                    if (applies(log.lane(i), commitLsn)) {
                        exact.insert(decoder.insert());
                    }
                }
                case UPDATE -> {
                    // An UPDATE that changed the key has a lane for each key; after a crash between two
                    // lanes' commits one of them may hold its half already.
                    boolean newSide = applies(log.lane(i), commitLsn);
                    boolean oldSide = applies(log.oldLane(i), commitLsn);
                    if (newSide && oldSide) {
                        exact.update(decoder.update());
                    } else if (oldSide) {
                        exact.deleteOldRow(decoder.update());
                    } else if (newSide) {
                        exact.insertNewRow(decoder.update());
                    }
                }
                case DELETE -> {
                    if (applies(log.lane(i), commitLsn)) {
                        exact.delete(decoder.delete());
                    }
                }
                case TRUNCATE -> {
                    if (Lsn.compare(commitLsn, lowest) >= 0) {
                        long at = commitLsn;
                        exact.truncate(decoder.truncate(), relation -> skippedChanges.skips(relation, at));
                    }
                }
                default -> {
                    // RELATION messages feed the replay decoder's cache; nothing else is logged.
                }
            }
        }
        exact.commit(cycle.endLsn());
    }

    @Override
    public void close() {
        if (inFlight != null) {
            try {
                inFlight.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("the batch being applied at close did not commit: {}", e.toString());
            }
            inFlight = null;
        }
        coordinator.shutdownNow();
        for (int i = 0; i < lanes.length; i++) {
            if (laneThreads[i] != null && lanes[i] == null) {
                laneThreads[i].shutdownNow();
            }
            if (lanes[i] != null) {
                LaneSession lane = lanes[i];
                try {
                    laneThreads[i].submit(lane::close).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("closing lane {} failed: {}", i + 1, e.toString());
                }
                laneThreads[i].shutdownNow();
            }
        }
        if (exact != null) {
            exact.close();
        }
    }
}
