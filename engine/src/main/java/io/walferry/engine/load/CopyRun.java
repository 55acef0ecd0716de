package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared state of one copy under one snapshot: the chunk queue the jobs take from, the first
 * failure (which cancels the other jobs), and each table's tally, recorded in the target when its
 * last chunk commits. {@link FullLoad} plans the chunks and starts the jobs.
 */
final class CopyRun {
    private static final Logger LOG = LoggerFactory.getLogger(CopyRun.class);

    final String pipeline;
    final long snapshotLsn;
    final boolean sameMajor;
    final boolean clear;
    final ConcurrentLinkedQueue<CopyChunk> queue;
    final LoadProgress progress;
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    final Map<LoadTable, TableTally> tallies = new IdentityHashMap<>();

    CopyRun(String pipeline, long snapshotLsn, boolean sameMajor, boolean clear, List<CopyChunk> chunks,
            LoadProgress progress) {
        this.pipeline = pipeline;
        this.snapshotLsn = snapshotLsn;
        this.sameMajor = sameMajor;
        this.clear = clear;
        this.queue = new ConcurrentLinkedQueue<>(chunks);
        this.progress = progress;
        for (CopyChunk chunk : chunks) {
            tallies.computeIfAbsent(chunk.table(), t -> new TableTally()).chunks.incrementAndGet();
        }
    }

    /** A whole leaf into a plain table of its own: it can be emptied in its copy's transaction. */
    static boolean emptiesItsTarget(CopyChunk chunk) {
        return chunk.leaf() != null && chunk.fromPage() < 0
                && !(chunk.table().partitioned() && chunk.targetTable().equals(chunk.table().qualified()));
    }

    void work(CopyWorker worker, List<CopyWorker> all) {
        CopyChunk chunk;
        while (failure.get() == null && (chunk = queue.poll()) != null) {
            try {
                copy(worker, chunk);
            } catch (RuntimeException | Error e) {
                RuntimeException failed = e instanceof RuntimeException ? (RuntimeException) e
                        : new EngineException(Failure.TARGET_NOT_READY, "copying " + chunk.describe() + " failed: "
                                + e + "; the load resumes where it stopped when walferry runs again", e);
                if (failure.compareAndSet(null, failed)) {
                    for (CopyWorker other : all) {
                        if (other != worker) {
                            other.cancel();
                        }
                    }
                }
                return;
            }
        }
    }

    private void copy(CopyWorker worker, CopyChunk chunk) {
        LoadTable table = chunk.table();
        LoadProgress.TableCounters counters = progress.of(table);
        Connection target = worker.target();
        counters.chunksRunning.incrementAndGet();
        try {
            CopyPipe.Counts counts = new CopyPipe.Counts(0, 0);
            if (chunk.leaf() != null) {
                boolean freeze = false;
                if (emptiesItsTarget(chunk)) {
                    freeze = truncateForFreeze(target, chunk.targetTable());
                    if (!freeze && clear) {
                        empty(target, chunk.targetTable());
                    }
                }
                boolean binary = sameMajor && table.binarySafe();
                counts = CopyPipe.copy(worker.source(), chunk.copyOutSql(binary), target,
                        chunk.copyInSql(binary, freeze), counters.bytes, counters.rows);
            }
            TableTally tally = tallies.get(table);
            tally.sourceRows.addAndGet(counts.sourceRows());
            tally.targetRows.addAndGet(counts.targetRows());
            if (chunk.onlyChunk()) {
                LoadState.recordTable(target, pipeline, table, snapshotLsn, counts.sourceRows(), counts.targetRows());
                target.commit();
                finished(table, tally);
            } else {
                target.commit();
                if (tally.chunks.decrementAndGet() == 0) {
                    LoadState.recordTable(target, pipeline, table, snapshotLsn, tally.sourceRows.get(),
                            tally.targetRows.get());
                    target.commit();
                    finished(table, tally);
                }
            }
        } catch (CopyPipe.SourceCopyException e) {
            worker.rollbackQuietly();
            throw SourceErrors.failed((SQLException) e.getCause(), "copying " + chunk.describe() + " from the source",
                    "the load resumes where it stopped when walferry runs again");
        } catch (SQLException e) {
            worker.rollbackQuietly();
            throw TargetFailures.failed(e, "copying " + chunk.describe() + " into " + chunk.targetTable()
                    + " on the target");
        } finally {
            counters.chunksRunning.decrementAndGet();
        }
    }

    private void finished(LoadTable table, TableTally tally) {
        progress.of(table).done = true;
        LOG.debug("copied {}: {} rows", table.displayName(), tally.targetRows.get());
    }

    /**
     * {@code TRUNCATE ONLY} in the copy's transaction, which lets {@code COPY FREEZE} write the rows
     * frozen and all-visible (no hint-bit rewrite when the index builds read them); a table that
     * cannot be truncated (referenced by a foreign key of an existing schema) is copied without.
     */
    private static boolean truncateForFreeze(Connection target, String table) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("SAVEPOINT walferry_truncate");
            try {
                statement.execute("TRUNCATE ONLY " + table);
                return true;
            } catch (SQLException e) {
                statement.execute("ROLLBACK TO SAVEPOINT walferry_truncate");
                LOG.debug("cannot truncate {} ({}): copying without FREEZE", table, e.getMessage());
                return false;
            }
        }
    }

    /**
     * Empties a target table: TRUNCATE, or DELETE where a foreign key of an existing schema forbids
     * it; without ONLY when the target's table is partitioned (it may be, whatever the source's is).
     */
    static void empty(Connection target, String table) throws SQLException {
        boolean partitioned;
        try (PreparedStatement query = target.prepareStatement(
                "SELECT relkind = 'p' FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(?)")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                partitioned = row.next() && row.getBoolean(1);
            }
        }
        String only = partitioned ? "" : "ONLY ";
        try (Statement statement = target.createStatement()) {
            statement.execute("SAVEPOINT walferry_empty");
            try {
                statement.execute("TRUNCATE " + only + table);
            } catch (SQLException e) {
                statement.execute("ROLLBACK TO SAVEPOINT walferry_empty");
                statement.execute("DELETE FROM " + only + table);
            }
        }
    }

    /** Rows and chunks left of one table. */
    private static final class TableTally {
        final AtomicInteger chunks = new AtomicInteger();
        final AtomicLong sourceRows = new AtomicLong();
        final AtomicLong targetRows = new AtomicLong();
    }
}
