package io.walferry.cli;

import io.walferry.applier.session.TargetConnector;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.load.LoadState;
import io.walferry.engine.load.TargetFailures;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.SlotState;
import io.walferry.engine.pipeline.SlotWalGuard;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ServerInfo;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What {@code replicate} does once the slot holds more WAL than {@code --max-slot-wal} and
 * {@code --on-slot-limit} says to act (replication has stopped by then): keep the slot
 * ({@code stop}), or drop it and mark the pipeline on the target as needing a new full load
 * ({@code drop}), so that a later run says so instead of streaming from a slot that is gone.
 */
final class SlotLimit {
    /** How long to wait for the walsender of the stopped stream to release the slot before dropping it. */
    private static final long RELEASE_WAIT_MS = 10_000;

    private SlotLimit() {
    }

    /** Acts, and returns the error that ends the command (exit 8). */
    static EngineException reached(SlotWalGuard guard, PipelineConfig config, ConnectionSpec target) {
        String held = "replication slot " + config.slotName() + " made the source keep "
                + (guard.lastRetained() >= 0 ? SlotWalGuard.size(guard.lastRetained()) : "more") + " of WAL, over"
                + " --max-slot-wal (" + SlotWalGuard.size(guard.limitBytes()) + ")";
        if (guard.action() == SlotWalGuard.Action.STOP) {
            return new EngineException(Failure.SLOT_LIMIT, held + ": replication stopped (--on-slot-limit stop); the"
                    + " slot stays and keeps holding WAL. Run replicate again to catch up (with a larger --max-slot-wal),"
                    + " or remove the pipeline with walferry cleanup");
        }
        dropSlot(config);
        try (Connection sql = new TargetConnector(target, config.pipelineName()).connect()) {
            LoadState.markSlotDropped(sql, config.pipelineName());
        } catch (SQLException e) {
            throw TargetFailures.failed(e, "marking pipeline \"" + config.pipelineName() + "\" as needing a new full"
                    + " load after dropping its slot");
        }
        return new EngineException(Failure.SLOT_LIMIT, held + ": the slot was dropped (--on-slot-limit drop), so"
                + " the source no longer keeps WAL for this pipeline, and the changes committed from now on are not"
                + " replicated. The pipeline is marked on the target as needing a new full load: walferry cleanup, then"
                + " replicate again into emptied tables (--truncate-target)");
    }

    private static void dropSlot(PipelineConfig config) {
        SourceConnector connector = new SourceConnector(config.source());
        try (Connection sql = connector.openSql()) {
            ServerInfo server = ServerInfo.read(sql, config.source());
            long deadline = System.nanoTime() + RELEASE_WAIT_MS * 1_000_000L;
            SlotState slot = SlotState.read(sql, config.slotName(), server.versionNum());
            while (slot != null && slot.isActive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                slot = SlotState.read(sql, config.slotName(), server.versionNum());
            }
            if (slot == null) {
                return;
            }
            try (PreparedStatement drop = sql.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
                drop.setString(1, config.slotName());
                drop.execute();
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "dropping replication slot " + config.slotName() + " (--on-slot-limit drop)",
                    "drop it by hand: SELECT pg_drop_replication_slot('" + config.slotName() + "')");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Failure.SLOT_LIMIT, "interrupted before dropping replication slot "
                    + config.slotName() + ": drop it by hand: SELECT pg_drop_replication_slot('" + config.slotName() + "')");
        }
    }
}
