package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;

/**
 * Whether a pipeline may stream from its slot, must create it, or must stop. The one rule that
 * matters: a pipeline that already has recorded progress never silently gets a new slot, because
 * a new slot starts at the server's current position and everything committed between the old
 * slot's position and now would be skipped without a trace.
 */
public final class SlotPolicy {
    /** What to do with the pipeline's slot. */
    public enum SlotAction {
        /** The slot is missing and the pipeline has no state: create it. */
        CREATE,
        /** The slot exists, is healthy and free: stream from it. */
        STREAM,
        /** The slot exists and a walsender is using it: wait for it to be released, or stop. */
        IN_USE
    }

    private SlotPolicy() {
    }

    /**
     * Decides what to do with the slot.
     *
     * @param slot             the slot as the server shows it, {@code null} when missing
     * @param pipelineHasState whether the pipeline has recorded progress on the target (or has
     *                         streamed from this slot in this run)
     * @param recordedLsn      the recorded progress, for the message; 0 when unknown
     * @param slotName         the slot's name
     * @param spec             the source, for the message
     * @throws EngineException ({@link Failure#SOURCE_NOT_READY}) when the slot is missing though the
     *                         pipeline has state, invalidated, or not a pgoutput slot of this database
     */
    public static SlotAction decide(SlotState slot, boolean pipelineHasState, long recordedLsn, String slotName,
                                    ConnectionSpec spec) {
        if (slot == null) {
            if (pipelineHasState) {
                throw missingWithState(slotName, recordedLsn, spec);
            }
            return SlotAction.CREATE;
        }
        requireUsable(slot, spec);
        if (slot.isInvalidated()) {
            throw invalidated(slot, spec);
        }
        return slot.isActive() ? SlotAction.IN_USE : SlotAction.STREAM;
    }

    private static void requireUsable(SlotState slot, ConnectionSpec spec) {
        String problem = null;
        if (!"logical".equals(slot.slotType())) {
            problem = "is a " + slot.slotType() + " slot";
        } else if (!"pgoutput".equals(slot.plugin())) {
            problem = "uses the output plugin " + slot.plugin();
        } else if (!spec.database().equals(slot.database())) {
            problem = "belongs to database \"" + slot.database() + "\"";
        } else if (slot.twoPhase()) {
            problem = "was created with two-phase decoding (two_phase = true)";
        }
        if (problem != null) {
            throw new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + slot.slotName() + " on "
                    + spec.hostAndPort() + " " + problem + ", and walferry needs a logical pgoutput slot of database \""
                    + spec.database() + "\" without two-phase decoding under that name: choose another --pipeline"
                    + " name, or drop the slot if nothing uses it (SELECT pg_drop_replication_slot('"
                    + slot.slotName() + "'))");
        }
    }

    static EngineException missingWithState(String slotName, long recordedLsn, ConnectionSpec spec) {
        return new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + slotName + " does not exist on "
                + spec.describe() + ", but the pipeline has recorded progress on the target"
                + (recordedLsn != 0 ? " up to LSN " + Lsn.format(recordedLsn) : "")
                + ": the slot was dropped (or invalidated and removed), so the changes committed on the source since"
                + (recordedLsn != 0 ? " " + Lsn.format(recordedLsn) : " then")
                + " are lost to this pipeline. walferry will not create a new slot, because streaming from it would"
                + " silently skip them. Copy the data again: remove the pipeline's state on the target (schema"
                + " walferry) and start over with a full copy, or use a new --pipeline name");
    }

    static EngineException invalidated(SlotState slot, ConnectionSpec spec) {
        return new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + slot.slotName() + " on "
                + spec.hostAndPort() + " was invalidated by the server (" + slot.invalidationDescription()
                + "): it can no longer stream, and the changes committed on the source since its confirmed position "
                + Lsn.format(slot.confirmedFlushLsn()) + " are lost to this pipeline (WAL the slot needed was removed,"
                + " see max_slot_wal_keep_size). Drop it (SELECT pg_drop_replication_slot('" + slot.slotName()
                + "')), remove the pipeline's state on the target (schema walferry) and start over with a full copy");
    }

    /** The slot is used by another process: say which, and what to do. */
    static EngineException inUse(SlotState slot, ConnectionSpec spec, long waitedMs) {
        return new EngineException(Failure.SOURCE_NOT_READY, "replication slot " + slot.slotName() + " on "
                + spec.hostAndPort() + " is in use by the server process with PID " + slot.activePid()
                + (waitedMs > 0 ? " (still after waiting " + waitedMs + " ms for it to be released)" : "")
                + ": another walferry replicate of this pipeline is probably running. Stop it, or end that"
                + " walsender (SELECT pg_terminate_backend(" + slot.activePid() + ")), or choose another --pipeline name");
    }
}
