package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.pipeline.SlotPolicy.SlotAction;
import io.walferry.engine.source.ConnectionSpec;
import org.junit.jupiter.api.Test;

class SlotPolicyTest {
    private static final String SLOT = "walferry_orders";
    private final ConnectionSpec spec = ConnectionSpec.parse("postgresql://app@db1:5432/shop");

    private static SlotState slot(String type, String plugin, String database, int activePid, String walStatus,
                                  boolean twoPhase, boolean conflicting, String reason) {
        return new SlotState(SLOT, type, plugin, database, activePid, 0x1_0000_0100L, 0x1_0000_0000L, walStatus,
                twoPhase, conflicting, reason);
    }

    private static SlotState healthy(int activePid) {
        return slot("logical", "pgoutput", "shop", activePid, "reserved", false, false, null);
    }

    @Test
    void shouldCreateAMissingSlotForANewPipeline() {
        assertThat(SlotPolicy.decide(null, false, 0, SLOT, spec)).isEqualTo(SlotAction.CREATE);
    }

    @Test
    void shouldStreamFromAHealthyFreeSlot() {
        assertThat(SlotPolicy.decide(healthy(0), true, 0x100, SLOT, spec)).isEqualTo(SlotAction.STREAM);
    }

    @Test
    void shouldReportASlotInUse() {
        assertThat(SlotPolicy.decide(healthy(4242), true, 0x100, SLOT, spec)).isEqualTo(SlotAction.IN_USE);
        assertThat(SlotPolicy.inUse(healthy(4242), spec, 5000))
                .hasMessage("replication slot walferry_orders on db1:5432 is in use by the server process with PID 4242"
                        + " (still after waiting 5000 ms for it to be released): another walferry replicate of this"
                        + " pipeline is probably running. Stop it, or end that walsender (SELECT"
                        + " pg_terminate_backend(4242)), or choose another --pipeline name");
    }

    @Test
    void shouldNeverCreateANewSlotForAPipelineWithState() {
        assertThatThrownBy(() -> SlotPolicy.decide(null, true, 0x1_0000_0100L, SLOT, spec))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.SOURCE_NOT_READY))
                .hasMessage("replication slot walferry_orders does not exist on db1:5432 (database \"shop\", user"
                        + " \"app\"), but the pipeline has recorded progress on the target up to LSN 1/100: the slot"
                        + " was dropped (or invalidated and removed), so the changes committed on the source since"
                        + " 1/100 are lost to this pipeline. walferry will not create a new slot, because streaming"
                        + " from it would silently skip them. Copy the data again: remove the pipeline's state on the"
                        + " target (schema walferry) and start over with a full copy, or use a new --pipeline name");
    }

    @Test
    void shouldRefuseASlotWhoseWalWasRemoved() {
        SlotState lost = slot("logical", "pgoutput", "shop", 0, "lost", false, false, null);

        assertThatThrownBy(() -> SlotPolicy.decide(lost, true, 0x100, SLOT, spec))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("replication slot walferry_orders on db1:5432 was invalidated by the server"
                        + " (wal_status = lost): it can no longer stream, and the changes committed on the source since"
                        + " its confirmed position 1/100 are lost");
    }

    @Test
    void shouldRefuseAnInvalidatedSlotEvenForANewPipeline() {
        SlotState conflicting = slot("logical", "pgoutput", "shop", 0, "reserved", false, true, "rows_removed");

        assertThatThrownBy(() -> SlotPolicy.decide(conflicting, false, 0, SLOT, spec))
                .hasMessageContaining("(invalidation_reason = rows_removed)");
        assertThatThrownBy(() -> SlotPolicy.decide(
                slot("logical", "pgoutput", "shop", 0, null, false, true, null), false, 0, SLOT, spec))
                .hasMessageContaining("(conflicting = true)");
    }

    @Test
    void shouldRefuseASlotThatIsNotAPgoutputSlotOfTheDatabase() {
        assertThatThrownBy(() -> SlotPolicy.decide(slot("physical", null, null, 0, "reserved", false, false, null),
                false, 0, SLOT, spec)).hasMessageContaining("is a physical slot");
        assertThatThrownBy(() -> SlotPolicy.decide(slot("logical", "test_decoding", "shop", 0, null, false, false,
                null), false, 0, SLOT, spec)).hasMessageContaining("uses the output plugin test_decoding");
        assertThatThrownBy(() -> SlotPolicy.decide(slot("logical", "pgoutput", "other", 0, null, false, false,
                null), false, 0, SLOT, spec)).hasMessageContaining("belongs to database \"other\"");
        assertThatThrownBy(() -> SlotPolicy.decide(slot("logical", "pgoutput", "shop", 0, null, true, false,
                null), false, 0, SLOT, spec)).hasMessageContaining("two-phase decoding");
    }
}
