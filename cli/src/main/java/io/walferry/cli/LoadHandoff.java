package io.walferry.cli;

import io.walferry.applier.TransactionalApplier;
import io.walferry.applier.session.ProgressTable;
import io.walferry.applier.session.TargetConnector;
import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.load.CopiedSchema;
import io.walferry.engine.load.ExistingSchema;
import io.walferry.engine.load.FullLoad;
import io.walferry.engine.load.LoadConfig;
import io.walferry.engine.load.LoadResult;
import io.walferry.engine.load.LoadSchema;
import io.walferry.engine.load.LoadState;
import io.walferry.engine.load.PgDumpOrCopiedSchema;
import io.walferry.engine.load.PgDumpSchema;
import io.walferry.engine.load.SourceTables;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.load.TargetFailures;
import io.walferry.engine.source.ConnectionSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens before streaming: the full load of a new pipeline (or the rest of a stopped one),
 * then the handoff to the applier. The handoff records the slot's consistent point as the applier's
 * progress, so that from then on a lost slot is reported (never silently replaced), and passes on
 * the tables a resumed load copied under a later snapshot, whose older changes the applier skips.
 * A pipeline that has applied changes before is past its load: nothing is loaded.
 */
final class LoadHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(LoadHandoff.class);

    /**
     * What the applier needs from the load.
     *
     * @param tableSnapshots      see {@link LoadState#laterSnapshots()}
     * @param inProgressStreaming whether the stream may carry in-progress transactions: not while
     *                            the applier may still have to skip changes of such tables
     * @param load                what the load of this run copied; null when this run loaded nothing
     *                            (no load asked for, or one finished before)
     */
    record Handoff(Map<String, Long> tableSnapshots, boolean inProgressStreaming, LoadResult load) {
    }

    private final PipelineConfig config;
    private final ConnectionSpec target;
    private final String schemaMode;
    private final String pgDump;

    /**
     * @param schemaMode {@code copy} or {@code existing}
     * @param pgDump     {@code --pg-dump}: a path, {@code none}, or null to look for one
     */
    LoadHandoff(PipelineConfig config, ConnectionSpec target, String schemaMode, String pgDump) {
        this.config = config;
        this.target = target;
        this.schemaMode = schemaMode;
        this.pgDump = pgDump;
    }

    /**
     * The full load's settings for the pipeline of {@code config}: the load creates the pipeline's
     * publication and slot, and copies the tables the pipeline publishes.
     */
    static LoadConfig loadConfig(PipelineConfig config, ConnectionSpec target, int jobs, long splitBytes,
                                 boolean truncateTarget, boolean copyData) {
        return new LoadConfig(config.pipelineName(), config.slotName(), config.publicationName(), config.source(),
                target, config.includeTables(), config.excludeTables(), jobs, splitBytes, truncateTarget, copyData,
                config.progressIntervalMs());
    }

    /** Runs the load when {@code load} is given and the pipeline has not streamed yet, then hands off. */
    Handoff run(LoadConfig load) {
        TargetConnector connector = new TargetConnector(target, config.pipelineName());
        ProgressTable progressTable = new ProgressTable(config.pipelineName(), TransactionalApplier.LANE);
        try (Connection sql = connector.connect()) {
            ProgressTable.Progress progress = ProgressTable.level(sql, config.pipelineName());
            LoadState before = LoadState.read(sql, config.pipelineName());
            sql.commit();
            if (before != null && before.phase() == LoadState.Phase.SLOT_DROPPED) {
                throw new EngineException(Failure.SOURCE_NOT_READY, "pipeline \"" + config.pipelineName() + "\" lost"
                        + " its replication slot " + config.slotName() + ": --on-slot-limit drop dropped it when it held"
                        + " more WAL than --max-slot-wal, so the changes committed since are not on " + target.describe()
                        + ". Start over with a new full load: walferry cleanup (same --source, --target and --pipeline),"
                        + " then replicate --schema existing --truncate-target (the tables stay on the target)");
            }
            long recorded = progress == null ? Lsn.INVALID : progress.endLsn();
            LoadResult loaded = null;
            if (load != null && recorded == Lsn.INVALID) {
                LoadResult result = new FullLoad(load, schema(load), config.metrics().load()).run();
                if (!result.alreadyDone()) {
                    loaded = result;
                    for (String line : result.countLines()) {
                        LOG.info("load: {}", line);
                    }
                }
                if (result.slotLsn() != Lsn.INVALID) {
                    progressTable.open(sql);
                    progressTable.recordStart(sql, result.slotLsn());
                    recorded = result.slotLsn();
                    LOG.info("load of pipeline \"{}\" done: streaming from the slot's consistent point {}",
                            config.pipelineName(), Lsn.format(result.slotLsn()));
                }
            } else if (load != null) {
                LOG.info("pipeline \"{}\" has applied changes up to {} before: it is past its load, streaming on",
                        config.pipelineName(), Lsn.format(recorded));
            }
            LoadState state = LoadState.read(sql, config.pipelineName());
            sql.commit();
            if (state != null && state.phase() != LoadState.Phase.DONE) {
                throw new EngineException(Failure.INVALID_INPUT, "pipeline \"" + config.pipelineName() + "\" has an"
                        + " unfinished full load on " + target.describe() + " (phase " + state.phase().label() + "):"
                        + " streaming now would leave tables half copied. Run replicate without --no-copy-data (and"
                        + " with the same --schema) to finish the load, or start over with a new --pipeline name");
            }
            Map<String, Long> later = new HashMap<>();
            if (state != null) {
                for (Map.Entry<String, Long> table : state.laterSnapshots().entrySet()) {
                    // At or below the recorded progress, the commit LSN rule at BEGIN already skips them.
                    if (Lsn.compare(table.getValue(), recorded) > 0) {
                        later.put(table.getKey(), table.getValue());
                    }
                }
            }
            boolean streaming = true;
            for (long snapshotLsn : later.values()) {
                if (Lsn.compare(recorded, snapshotLsn) < 0) {
                    streaming = false;
                }
            }
            if (!streaming) {
                LOG.info("{} tables were copied under a later snapshot than the slot's: their older changes are"
                        + " skipped, and large transactions arrive whole until the stream passes that snapshot",
                        later.size());
            }
            return new Handoff(later, streaming, loaded);
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "reading the state of pipeline \"" + config.pipelineName() + "\" on "
                    + target.describe());
        }
    }

    private LoadSchema schema(LoadConfig load) {
        BiPredicate<String, String> tables = SourceTables.selection(load.includeTables(), load.excludeTables());
        if (schemaMode.equals("existing")) {
            return new ExistingSchema(tables);
        }
        if (pgDump == null) {
            return new PgDumpOrCopiedSchema(load);
        }
        return pgDump.equals("none") ? new CopiedSchema(tables) : PgDumpSchema.using(Path.of(pgDump), load);
    }
}
