package io.walferry.engine.load;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.metrics.LoadMetrics;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.pipeline.PipelinePublication;
import io.walferry.engine.pipeline.SlotState;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ServerInfo;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consistent full load of a pipeline: schema, data, post-data, each phase recorded in the
 * target ({@link LoadState}) so that a stopped or crashed load resumes where it was.
 *
 * <ol>
 *   <li><b>schema</b>: checks the target ({@link LoadSchema#verify}, empty tables unless
 *       {@code --truncate-target}), then runs the pre-data DDL and starts the load record, in one
 *       target transaction.</li>
 *   <li><b>data</b>: ensures the publication, creates the pipeline's slot with an exported snapshot
 *       and records its consistent point; N workers import the snapshot and copy every table with
 *       {@link CopyPipe}, largest first, leaves larger than the split size in page ranges. A table
 *       copied in one piece is emptied ({@code TRUNCATE}, so that {@code COPY FREEZE} can write its
 *       rows frozen), copied and recorded in one transaction.</li>
 *   <li><b>post-data</b>: keys, indexes, constraints, sequence values and {@code ANALYZE}, in
 *       parallel jobs, each statement recorded with its DDL.</li>
 * </ol>
 *
 * <p>Resuming: finished tables and steps are not done again. The first snapshot dies with the
 * process that exported it, so the tables not finished are emptied and copied under a new
 * snapshot, from a temporary slot whose consistent point is recorded with each of them: streaming
 * from the pipeline's slot (which is older) then skips those tables' changes committed before that
 * point, because the copy holds them. The schema's pre-data DDL commits with the load record, so
 * it is never half done.
 */
public final class FullLoad {
    private static final Logger LOG = LoggerFactory.getLogger(FullLoad.class);
    /** TID range scans, which make a page-range copy read only its pages, came with PostgreSQL 14. */
    private static final int TID_RANGE_SCAN_VERSION = 140000;

    private final LoadConfig config;
    private final LoadSchema schema;
    private final SourceConnector connector;
    private final LoadMetrics metrics;

    /** A load whose progress nobody scrapes. */
    public FullLoad(LoadConfig config, LoadSchema schema) {
        this(config, schema, PipelineMetrics.unpublished(config.pipelineName()).load());
    }

    /** A load that reports its phase and per-table progress to {@code metrics}. */
    public FullLoad(LoadConfig config, LoadSchema schema, LoadMetrics metrics) {
        this.config = config;
        this.schema = schema;
        this.connector = new SourceConnector(config.source());
        this.metrics = metrics;
    }

    /**
     * Runs what remains of the load.
     *
     * @return the result; {@link LoadResult#alreadyDone()} when a previous run finished it
     */
    public LoadResult run() {
        ConnectionSpec target = config.target();
        try (Connection targetSql = TargetSessions.open(target); Connection sourceSql = connector.openSql()) {
            try (Statement statement = sourceSql.createStatement()) {
                statement.execute(TargetSessions.NO_SESSION_TIMEOUTS);
            }
            lockPipeline(targetSql);
            LoadState state = readState(targetSql);
            if (state != null && state.phase() == LoadState.Phase.DONE) {
                return LoadResult.alreadyDone(state);
            }
            ServerInfo server = ServerInfo.read(sourceSql, config.source());
            int targetVersion = serverVersion(targetSql);
            List<LoadTable> tables = readTables(sourceSql);
            metrics.started(tables.size(), state == null ? 0 : state.copiedTables().size());
            if (state == null) {
                if (config.copyData()) {
                    refuseForeignSlot(sourceSql, server);
                }
                metrics.phase(LoadState.Phase.SCHEMA.label());
                startLoad(targetSql, sourceSql, tables);
                state = readState(targetSql);
            } else {
                metrics.phase(state.phase().label());
                LOG.info("resuming the load of pipeline \"{}\" (phase {}, {} of {} tables copied)", config.pipelineName(),
                        state.phase().label(), state.copiedTables().size(), tables.size());
            }
            long slotLsn = state.slotLsn();
            if (state.phase() == LoadState.Phase.SCHEMA) {
                slotLsn = config.copyData() ? createSlotAndCopy(targetSql, sourceSql, server, targetVersion, tables)
                        : Lsn.INVALID;
                if (config.copyData()) {
                    requireEveryTableCopied(readState(targetSql), tables);
                }
                setPhase(targetSql, LoadState.Phase.POST_DATA, slotLsn);
            } else if (state.phase() == LoadState.Phase.DATA) {
                resumeCopy(targetSql, sourceSql, server, targetVersion, tables, state);
                requireEveryTableCopied(readState(targetSql), tables);
                setPhase(targetSql, LoadState.Phase.POST_DATA, Lsn.INVALID);
            }
            state = readState(targetSql);
            runPostData(sourceSql, state, tables);
            setPhase(targetSql, LoadState.Phase.DONE, Lsn.INVALID);
            metrics.finished();
            state = readState(targetSql);
            LoadResult result = LoadResult.of(state, tables);
            for (String line : schema.report()) {
                LOG.info("schema: {}", line);
            }
            return result;
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "loading pipeline \"" + config.pipelineName() + "\" into " + target.describe());
        }
    }

    private LoadState readState(Connection targetSql) throws SQLException {
        LoadState state = LoadState.read(targetSql, config.pipelineName());
        targetSql.commit();
        return state;
    }

    private void setPhase(Connection targetSql, LoadState.Phase phase, long slotLsn) throws SQLException {
        LoadState.setPhase(targetSql, config.pipelineName(), phase, slotLsn);
        targetSql.commit();
        metrics.phase(phase.label());
    }

    private List<LoadTable> readTables(Connection sourceSql) {
        List<LoadTable> tables;
        try {
            tables = SourceTables.read(sourceSql, config.includeTables(), config.excludeTables());
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "reading the tables of " + config.source().describe(), null);
        }
        if (tables.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "no table of database \"" + config.source().database()
                    + "\" on " + config.source().hostAndPort() + " matches --tables " + config.includeTables()
                    + (config.excludeTables().isEmpty() ? "" : " without --exclude " + config.excludeTables())
                    + ": there is nothing to load (patterns are schema.table globs with * and ?, case-sensitive)");
        }
        return tables;
    }

    /** A new load: check the target, create the pre-data schema and the load record in one transaction. */
    private void startLoad(Connection targetSql, Connection sourceSql, List<LoadTable> tables) throws SQLException {
        schema.verify(sourceSql, targetSql, tables);
        if (config.copyData()) {
            requireEmptyOrTruncate(targetSql, tables);
        }
        LoadState.begin(targetSql, config.pipelineName());
        List<LoadStep> preData = schema.preData(sourceSql);
        for (LoadStep step : preData) {
            execute(targetSql, step);
        }
        targetSql.commit();
        LOG.info("load of pipeline \"{}\" started: {} tables{}", config.pipelineName(), tables.size(),
                preData.isEmpty() ? "" : ", " + preData.size() + " schema statements run before the data");
    }

    /**
     * Existing target tables must be empty, or be emptied when the operator said so: merging a copy
     * into rows already there would double or conflict.
     */
    private void requireEmptyOrTruncate(Connection targetSql, List<LoadTable> tables) throws SQLException {
        List<String> nonEmpty = new ArrayList<>();
        for (LoadTable table : tables) {
            if (!exists(targetSql, table.qualified())) {
                continue;
            }
            try (Statement statement = targetSql.createStatement();
                 ResultSet row = statement.executeQuery("SELECT EXISTS (SELECT FROM " + table.qualified() + ")")) {
                row.next();
                if (row.getBoolean(1)) {
                    nonEmpty.add(table.displayName());
                }
            }
        }
        targetSql.commit();
        if (nonEmpty.isEmpty()) {
            return;
        }
        if (!config.truncateTarget()) {
            throw new EngineException(Failure.TARGET_NOT_READY, "target tables already hold rows: "
                    + String.join(", ", nonEmpty) + " on " + config.target().describe() + ". walferry copies into empty"
                    + " tables only, never merging into existing rows: empty them, or run again with --truncate-target"
                    + " to have walferry empty them, or use --no-copy-data when the target already holds the data");
        }
        LOG.warn("--truncate-target: emptying target tables that hold rows before copying into them: {}",
                String.join(", ", nonEmpty));
    }

    private static boolean exists(Connection sql, String qualified) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            query.setString(1, qualified);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** The first data phase: the pipeline's slot and its snapshot, then every table. */
    private long createSlotAndCopy(Connection targetSql, Connection sourceSql, ServerInfo server, int targetVersion,
                                   List<LoadTable> tables) throws SQLException {
        dropStaleSlot(sourceSql, server);
        server = ServerInfo.read(sourceSql, config.source());
        server.requireLogicalReplication(config.source());
        PipelinePublication.ensure(sourceSql, config.source(), config.publicationName(), config.includeTables(),
                config.excludeTables(), server.versionNum(), true);
        requirePublishedViaRoot(sourceSql, tables);
        try (SnapshotSlot slot = SnapshotSlot.create(connector, config.slotName(), false, server.versionNum())) {
            setPhase(targetSql, LoadState.Phase.DATA, slot.consistentLsn());
            copyTables(slot, server, targetVersion, tables, config.truncateTarget());
            return slot.consistentLsn();
        }
    }

    /**
     * In phase {@code schema} (the load record exists, written before the slot is created), a slot of
     * this pipeline's name is the leftover of this load, stopped right after creating it: its
     * snapshot is gone and nothing was copied under it, so it is dropped and created again. One in
     * use belongs to a running walferry: stop.
     */
    private void dropStaleSlot(Connection sourceSql, ServerInfo server) throws SQLException {
        SlotState slot = SlotState.read(sourceSql, config.slotName(), server.versionNum());
        if (slot == null) {
            return;
        }
        if (!config.source().database().equals(slot.database()) || !"pgoutput".equals(slot.plugin())) {
            throw new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + config.slotName() + " on "
                    + config.source().hostAndPort() + " belongs to database \"" + slot.database() + "\" (plugin "
                    + slot.plugin() + "), not to this pipeline's database \"" + config.source().database()
                    + "\": choose another --pipeline name, or drop the slot if nothing uses it"
                    + " (SELECT pg_drop_replication_slot('" + config.slotName() + "'))");
        }
        if (slot.isActive()) {
            throw new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + config.slotName() + " on "
                    + config.source().hostAndPort() + " is in use by the server process with PID " + slot.activePid()
                    + " though pipeline \"" + config.pipelineName() + "\" has no load recorded on the target: another"
                    + " walferry of this pipeline is probably running against another target. Stop it, or choose"
                    + " another --pipeline name");
        }
        LOG.warn("dropping replication slot {}: it was created by a load that stopped before recording it, and its"
                + " snapshot is gone", config.slotName());
        try (PreparedStatement drop = sourceSql.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
            drop.setString(1, config.slotName());
            drop.execute();
        }
    }

    /**
     * Partitioned tables are loaded, and skipped after a resume, by the partitioned table's name:
     * their changes must come under that name too ({@code publish_via_partition_root}), which an
     * existing publication made by hand may lack.
     */
    private void requirePublishedViaRoot(Connection sourceSql, List<LoadTable> tables) throws SQLException {
        boolean partitioned = tables.stream().anyMatch(LoadTable::partitioned);
        if (!partitioned) {
            return;
        }
        try (PreparedStatement query = sourceSql.prepareStatement(
                "SELECT pubviaroot FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            query.setString(1, config.publicationName());
            try (ResultSet row = query.executeQuery()) {
                if (row.next() && !row.getBoolean(1)) {
                    throw new EngineException(Failure.SOURCE_NOT_READY, "publication " + config.publicationName()
                            + " on " + config.source().hostAndPort() + " publishes partitions under their own names,"
                            + " and walferry loads partitioned tables as a whole: run ALTER PUBLICATION "
                            + config.publicationName() + " SET (publish_via_partition_root = true), or drop it and let"
                            + " walferry create it");
                }
            }
        } catch (SQLException e) {
            if (!"42703".equals(e.getSQLState())) {
                throw e;
            }
            throw new EngineException(Failure.SOURCE_NOT_READY, "the source " + config.source().hostAndPort()
                    + " cannot publish partitioned tables through their root (PostgreSQL 13 or later can), and"
                    + " walferry loads them as a whole: leave them out with --exclude", e);
        }
    }

    /** A resumed data phase: the unfinished tables, emptied and copied under a new snapshot. */
    private void resumeCopy(Connection targetSql, Connection sourceSql, ServerInfo server, int targetVersion,
                            List<LoadTable> tables, LoadState state) throws SQLException {
        SlotState slot = SlotState.read(sourceSql, config.slotName(), server.versionNum());
        if (slot == null || slot.isInvalidated()) {
            throw new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + config.slotName() + " on "
                    + config.source().hostAndPort() + (slot == null ? " no longer exists" : " was invalidated")
                    + ", but pipeline \"" + config.pipelineName() + "\" was loading from it (consistent point "
                    + Lsn.format(state.slotLsn()) + "): the changes committed since are lost to this load. Start the"
                    + " load over: drop the pipeline's state on the target (DELETE FROM walferry.load_state,"
                    + " walferry.load_tables, walferry.load_steps WHERE pipeline = '" + config.pipelineName() + "';"
                    + " and empty the copied tables), or use a new --pipeline name");
        }
        List<LoadTable> unfinished = new ArrayList<>();
        for (LoadTable table : tables) {
            if (state.copied(table.schema(), table.name()) == null) {
                unfinished.add(table);
            }
        }
        if (unfinished.isEmpty()) {
            return;
        }
        unfinished = ForeignKeyGroups.withLinkedTables(sourceSql, server.versionNum(), tables, unfinished, state);
        for (LoadTable table : unfinished) {
            if (state.copied(table.schema(), table.name()) != null) {
                LoadState.forgetTable(targetSql, config.pipelineName(), table);
            }
        }
        targetSql.commit();
        String temporary = config.slotName() + "_resume";
        try (SnapshotSlot snapshot = SnapshotSlot.create(connector, temporary, true, server.versionNum())) {
            LOG.info("{} tables not finished: copying them again under a new snapshot at {} (the slot's changes to"
                    + " them before it are skipped)", unfinished.size(), Lsn.format(snapshot.consistentLsn()));
            copyTables(snapshot, server, targetVersion, unfinished, true);
        }
    }

    /** Copies {@code tables} under the snapshot of {@code slot}, with the configured number of jobs. */
    private void copyTables(SnapshotSlot slot, ServerInfo server, int targetVersion, List<LoadTable> tables,
                            boolean clear) throws SQLException {
        boolean sameMajor = server.versionNum() / 10000 == targetVersion / 10000;
        List<CopyChunk> chunks;
        Set<String> targetRelations;
        try (Connection targetSql = TargetSessions.open(config.target())) {
            targetRelations = existingLeaves(targetSql, tables);
            chunks = plan(tables, targetRelations, server.versionNum());
            if (clear) {
                clearSplitTables(targetSql, tables, chunks);
            }
        }
        int jobs = Math.min(config.jobs(), chunks.size());
        List<CopyWorker> workers = new ArrayList<>();
        try {
            for (int i = 0; i < jobs; i++) {
                workers.add(CopyWorker.open(connector, config.target(), slot.snapshotName(), i + 1));
            }
        } catch (RuntimeException e) {
            workers.forEach(CopyWorker::close);
            throw e;
        }
        // Every worker holds the snapshot now: ending the export keeps the slot, frees the connection.
        slot.close();
        lockLeaves(workers.get(0), tables);
        long startNanos = System.nanoTime();
        try (LoadProgress progress = new LoadProgress(tables, config.progressIntervalMs())) {
            progress.reportTo(metrics);
            CopyRun run = new CopyRun(config.pipelineName(), slot.consistentLsn(), sameMajor, clear, chunks, progress);
            List<Thread> threads = new ArrayList<>();
            for (CopyWorker worker : workers) {
                Thread thread = new Thread(() -> run.work(worker, workers), "walferry-load-" + worker.number());
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (run.failure.get() != null) {
                throw run.failure.get();
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            LOG.info("copied {} tables ({} chunks, {} MB of COPY data) in {} s with {} jobs", tables.size(), chunks.size(),
                    progress.totalBytes() / 1048576, Math.round(seconds * 10) / 10.0, jobs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Failure.TARGET_NOT_READY, "interrupted while loading; the load resumes where it"
                    + " stopped when walferry runs again", e);
        } finally {
            workers.forEach(CopyWorker::close);
        }
    }

    /**
     * Takes ACCESS SHARE locks on every leaf to copy, in the first job's snapshot transaction, held
     * until the copy ends: DDL that would rewrite or drop a table (which a snapshot cannot see through)
     * waits for the copy instead of running under it. The locks come after the snapshot, so DDL that
     * committed in between is not caught; the docs say not to change the schema during a load.
     */
    private static void lockLeaves(CopyWorker worker, List<LoadTable> tables) {
        StringBuilder lock = new StringBuilder("LOCK TABLE ");
        int leaves = 0;
        for (LoadTable table : tables) {
            for (LoadTable.Leaf leaf : table.leaves()) {
                lock.append(leaves++ == 0 ? "" : ", ").append("ONLY ").append(leaf.qualified());
            }
        }
        if (leaves == 0) {
            return;
        }
        try (Statement statement = worker.source().createStatement()) {
            statement.execute(lock.append(" IN ACCESS SHARE MODE").toString());
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "locking the tables to copy (ACCESS SHARE, as pg_dump does)",
                    "a session holding an ACCESS EXCLUSIVE lock on one of them blocks the load; let it finish");
        }
    }

    /** The target's relations of the same names as the source's leaves (and plain tables). */
    private static Set<String> existingLeaves(Connection targetSql, List<LoadTable> tables) throws SQLException {
        Set<String> existing = new HashSet<>();
        for (LoadTable table : tables) {
            for (LoadTable.Leaf leaf : table.leaves()) {
                if (existsAsTable(targetSql, leaf.qualified())) {
                    existing.add(leaf.qualified());
                }
            }
        }
        targetSql.commit();
        return existing;
    }

    private static boolean existsAsTable(Connection sql, String qualified) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("SELECT c.relkind = 'r' FROM pg_catalog.pg_class c"
                + " WHERE c.oid = pg_catalog.to_regclass(?)")) {
            query.setString(1, qualified);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** The chunks of every table, the largest tables first so that the long copies start early. */
    private List<CopyChunk> plan(List<LoadTable> tables, Set<String> targetRelations, int sourceVersion) {
        List<LoadTable> bySize = new ArrayList<>(tables);
        bySize.sort(Comparator.comparingLong(LoadTable::sizeBytes).reversed());
        boolean canSplit = config.splitBytes() > 0 && sourceVersion >= TID_RANGE_SCAN_VERSION;
        List<CopyChunk> chunks = new ArrayList<>();
        for (LoadTable table : bySize) {
            List<CopyChunk> tableChunks = new ArrayList<>();
            for (LoadTable.Leaf leaf : table.leaves()) {
                String targetTable = targetRelations.contains(leaf.qualified()) ? leaf.qualified() : table.qualified();
                long pieces = canSplit ? Math.max(1, (leaf.sizeBytes() + config.splitBytes() - 1) / config.splitBytes()) : 1;
                if (pieces <= 1 || leaf.pages() < pieces) {
                    tableChunks.add(new CopyChunk(table, leaf, targetTable, -1, -1, false));
                    continue;
                }
                long pagesPerPiece = (leaf.pages() + pieces - 1) / pieces;
                for (long from = 0; from < leaf.pages(); from += pagesPerPiece) {
                    long to = from + pagesPerPiece >= leaf.pages() ? -1 : from + pagesPerPiece;
                    tableChunks.add(new CopyChunk(table, leaf, targetTable, from, to, false));
                }
            }
            if (tableChunks.isEmpty()) {
                // A partitioned table without partitions: nothing to copy, but it is recorded as copied.
                chunks.add(new CopyChunk(table, null, table.qualified(), -1, -1, true));
            } else if (tableChunks.size() == 1) {
                CopyChunk only = tableChunks.get(0);
                chunks.add(new CopyChunk(table, only.leaf(), only.targetTable(), only.fromPage(), only.toPage(), true));
            } else {
                chunks.addAll(tableChunks);
            }
        }
        return chunks;
    }

    /**
     * Empties, before the copy starts, the tables that are not copied whole into a plain table in one
     * transaction (those empty themselves in their copy's transaction).
     */
    private static void clearSplitTables(Connection targetSql, List<LoadTable> tables, List<CopyChunk> chunks)
            throws SQLException {
        for (LoadTable table : tables) {
            boolean clearsItself = true;
            for (CopyChunk chunk : chunks) {
                if (chunk.table() == table && !CopyRun.emptiesItsTarget(chunk)) {
                    clearsItself = false;
                }
            }
            if (!clearsItself) {
                CopyRun.empty(targetSql, table.qualified());
                targetSql.commit();
            }
        }
    }

    private void runPostData(Connection sourceSql, LoadState state, List<LoadTable> tables) throws SQLException {
        List<StepGroup> groups = new ArrayList<>(schema.postData(sourceSql));
        List<LoadStep> analyze = new ArrayList<>();
        for (LoadTable table : tables) {
            analyze.add(new LoadStep("analyze " + table.qualified(), "ANALYZE " + table.displayName(),
                    "ANALYZE " + table.qualified()));
        }
        groups.add(new StepGroup("ANALYZE", true, analyze));
        new PostData(config, state).run(groups);
    }

    private static int serverVersion(Connection sql) throws SQLException {
        try (Statement statement = sql.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('server_version_num')::int")) {
            row.next();
            int version = row.getInt(1);
            sql.commit();
            return version;
        }
    }

    private static void execute(Connection targetSql, LoadStep step) throws SQLException {
        try (Statement statement = targetSql.createStatement()) {
            statement.execute(step.sql());
        } catch (SQLException e) {
            throw new EngineException(Failure.TARGET_NOT_READY, step.description() + " failed on the target: "
                    + SourceErrors.message(e) + " (statement: " + step.sql() + ")", e);
        }
    }

    /**
     * Before the data phase ends: every table has its copy recorded, and took exactly the rows the
     * source sent. Checked on every run that ends the phase, so a failed check is never skipped by a
     * rerun.
     */
    private void requireEveryTableCopied(LoadState state, List<LoadTable> tables) {
        List<String> problems = new ArrayList<>();
        for (LoadTable table : tables) {
            LoadState.CopiedTable copied = state.copied(table.schema(), table.name());
            if (copied == null) {
                problems.add(table.displayName() + " has no recorded copy");
            } else if (copied.sourceRows() != copied.targetRows()) {
                problems.add(table.displayName() + " (source sent " + copied.sourceRows() + " rows, the target took "
                        + copied.targetRows() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new EngineException(Failure.TARGET_NOT_READY, "the copy is incomplete: " + String.join(", ", problems)
                    + ". A rule or an ENABLE ALWAYS trigger on a target table may have rewritten rows: remove it, then"
                    + " have the table copied again (DELETE FROM walferry.load_tables WHERE pipeline = '"
                    + config.pipelineName() + "' AND table_name = '...') and run walferry again");
        }
    }

    /**
     * One load per pipeline and target at a time: a session-level advisory lock on the target, held
     * by the load's control connection until it closes. A second walferry loading the same pipeline
     * would empty tables the first one is filling.
     */
    private void lockPipeline(Connection targetSql) throws SQLException {
        try (PreparedStatement lock = targetSql.prepareStatement(
                "SELECT pg_catalog.pg_try_advisory_lock(pg_catalog.hashtext('walferry load ' || ?))")) {
            lock.setString(1, config.pipelineName());
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    throw new EngineException(Failure.TARGET_NOT_READY, "another walferry is loading pipeline \""
                            + config.pipelineName() + "\" into " + config.target().describe() + " right now: let it"
                            + " finish (or stop it) before running this one");
                }
            }
        }
        targetSql.commit();
    }

    /**
     * A new load must not take over a slot of the pipeline's name that exists before the load has
     * any record on the target: it may stream to another target. (A slot created by this load before
     * it recorded it is recognised by the load record written before the slot, see
     * {@link #dropStaleSlot}.)
     */
    private void refuseForeignSlot(Connection sourceSql, ServerInfo server) {
        SlotState slot = SlotState.read(sourceSql, config.slotName(), server.versionNum());
        if (slot != null) {
            throw new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + config.slotName() + " already"
                    + " exists on " + config.source().hostAndPort() + (slot.isActive() ? " (in use by the server process"
                    + " with PID " + slot.activePid() + ")" : "") + ", but pipeline \"" + config.pipelineName()
                    + "\" has no load recorded on " + config.target().describe() + ": the slot probably serves this"
                    + " pipeline's move to another target. Choose another --pipeline name, or remove the old pipeline"
                    + " first (walferry cleanup with its --source, --target and --pipeline)");
        }
    }
}
