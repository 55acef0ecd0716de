package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The small helpers of the pipeline: backoff, failure classification, commit times, WAL arithmetic, commands. */
class SmallPartsTest {

    @Test
    void shouldDoubleTheBackoffUpToTheMaximumAndResetAfterAStream() {
        ReconnectBackoff backoff = new ReconnectBackoff(1000, 30_000);

        assertThat(backoff.nextDelayMs()).isEqualTo(1000);
        assertThat(backoff.nextDelayMs()).isEqualTo(2000);
        for (int i = 0; i < 10; i++) {
            backoff.nextDelayMs();
        }
        assertThat(backoff.nextDelayMs()).isEqualTo(30_000);
        assertThat(backoff.attempt()).isEqualTo(13);

        backoff.reset();
        assertThat(backoff.nextDelayMs()).isEqualTo(1000);
        assertThat(backoff.attempt()).isEqualTo(1);
    }

    @Test
    void shouldRetryConnectionLossesAndServerRestartsOnly() {
        assertThat(SourceFailures.isTransient(new SQLException("lost", "08006"))).isTrue();
        assertThat(SourceFailures.isTransient(new SQLException("terminated", "57P01"))).isTrue();
        assertThat(SourceFailures.isTransient(new SQLException("starting up", "57P03"))).isTrue();
        assertThat(SourceFailures.isTransient(new EngineException(Failure.CANNOT_CONNECT, "refused",
                new SQLException("refused", "08001")))).isTrue();
        assertThat(SourceFailures.isTransient(new SourceFailures.StreamEndedException("ended"))).isTrue();

        assertThat(SourceFailures.isTransient(new SQLException("permission denied", "42501"))).isFalse();
        assertThat(SourceFailures.isTransient(new SQLException("password", "28P01"))).isFalse();
        assertThat(SourceFailures.isTransient(new EngineException(Failure.SOURCE_NOT_READY, "slot lost"))).isFalse();
        assertThat(SourceFailures.isTransient(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void shouldKeepTheOldestPendingCommitTimes() {
        CommitTimes times = new CommitTimes(4);
        for (int i = 1; i <= 6; i++) {
            times.add(0x100L * i, 1000L * i);
        }
        assertThat(times.size()).isEqualTo(4);
        assertThat(times.oldestCommitTimeMicros()).isEqualTo(1000);

        times.durableUpTo(0x200);
        assertThat(times.oldestCommitTimeMicros()).isEqualTo(3000);

        times.durableUpTo(0x600);
        assertThat(times.isEmpty()).isTrue();
    }

    @Test
    void shouldTakeTheInsertPositionAfterAPageHeaderAsThePageBoundary() {
        int block = 8192;
        long segment = 16L << 20;
        assertThat(WalInsertPosition.recordBoundary(0x1_0000_2018L, block, segment)).isEqualTo(0x1_0000_2000L);
        assertThat(WalInsertPosition.recordBoundary(0x1_0100_0028L, block, segment)).isEqualTo(0x1_0100_0000L);
        assertThat(WalInsertPosition.recordBoundary(0x1_0000_2028L, block, segment)).isEqualTo(0x1_0000_2028L);
        assertThat(WalInsertPosition.recordBoundary(0x1_0000_2100L, block, segment)).isEqualTo(0x1_0000_2100L);
    }

    @Test
    void shouldCreatePersistentSlotsWithoutSnapshotOrTwoPhase() {
        assertThat(SlotStream.createCommand("walferry_x", 170000))
                .isEqualTo("CREATE_REPLICATION_SLOT walferry_x LOGICAL pgoutput (SNAPSHOT 'nothing')");
        assertThat(SlotStream.createCommand("walferry_x", 140000))
                .isEqualTo("CREATE_REPLICATION_SLOT walferry_x LOGICAL pgoutput NOEXPORT_SNAPSHOT");
    }

    @Test
    void shouldReadOnlyTheSlotColumnsTheServerHas() {
        assertThat(SlotState.query(120000)).contains("NULL::text, false, false, NULL::text");
        assertThat(SlotState.query(140000)).contains("wal_status, two_phase, false, NULL::text");
        assertThat(SlotState.query(170000)).contains("wal_status, two_phase, coalesce(conflicting, false), invalidation_reason");
    }
}
