package io.walferry.applier;

import static io.walferry.applier.harness.ReplicationFixture.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.applier.harness.FixtureOptions;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * Prepared (two-phase) source transactions: without {@code two_phase} on the stream they arrive as
 * ordinary transactions at COMMIT PREPARED, and never when rolled back; two-phase messages are
 * refused with a clear error.
 */
class PreparedTransactionsIT {

    private static ReplicationFixture fixture(FixtureOptions options) throws Exception {
        int version = TestPostgres.newestVersion();
        return ReplicationFixture.create(TestPostgres.pair(version, version), options,
                "CREATE TABLE items (id int PRIMARY KEY, pad text)");
    }

    @Test
    void shouldApplyAPreparedTransactionAtCommitPrepared() throws Exception {
        try (ReplicationFixture fixture = fixture(FixtureOptions.DEFAULTS);
             TransactionalApplier applier = fixture.openApplier("prepared")) {
            String small = "walferry_small_" + System.nanoTime();
            String large = "walferry_large_" + System.nanoTime();
            fixture.run(applier, "BEGIN", "INSERT INTO items VALUES (1, 'prepared')", "PREPARE TRANSACTION '" + small + "'",
                    "BEGIN", "INSERT INTO items SELECT g, repeat('p', 100) FROM generate_series(100, 3000) g",
                    "PREPARE TRANSACTION '" + large + "'");
            assertThat(fixture.targetRows("items")).as("nothing before COMMIT PREPARED").isEmpty();

            fixture.run(applier, "COMMIT PREPARED '" + small + "'", "COMMIT PREPARED '" + large + "'");

            assertThat(fixture.targetRows("items")).hasSize(2902).isEqualTo(fixture.sourceRows("items"));
        }
    }

    @Test
    void shouldNeverApplyARolledBackPreparedTransaction() throws Exception {
        try (ReplicationFixture fixture = fixture(FixtureOptions.DEFAULTS);
             TransactionalApplier applier = fixture.openApplier("rolled_back_prepared")) {
            String gid = "walferry_rollback_" + System.nanoTime();
            fixture.run(applier, "BEGIN", "INSERT INTO items VALUES (1, 'prepared')", "PREPARE TRANSACTION '" + gid + "'",
                    "ROLLBACK PREPARED '" + gid + "'", "INSERT INTO items VALUES (2, 'ordinary')");

            assertThat(fixture.targetRows("items")).containsExactly("(2,ordinary)");
        }
    }

    @Test
    void shouldRefuseTwoPhaseMessagesWithAClearError() throws Exception {
        String gid = "walferry_two_phase_" + System.nanoTime();
        try (ReplicationFixture fixture = fixture(FixtureOptions.DEFAULTS.withTwoPhase());
             TransactionalApplier applier = fixture.openApplier("two_phase")) {
            try {
                assertThatThrownBy(() -> fixture.run(applier, "BEGIN", "INSERT INTO items VALUES (1, 'prepared')",
                        "PREPARE TRANSACTION '" + gid + "'"))
                        .isInstanceOf(ApplyException.class)
                        .hasMessageContaining("BEGIN PREPARE arrived: two_phase must not be enabled for this slot")
                        .extracting(e -> ((ApplyException) e).failure()).isEqualTo(ApplyFailure.UNSUPPORTED_STREAM);
            } finally {
                execute(fixture.source(), "ROLLBACK PREPARED '" + gid + "'");
            }
        }
    }
}
