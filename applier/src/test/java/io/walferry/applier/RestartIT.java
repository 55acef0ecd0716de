package io.walferry.applier;

import static io.walferry.applier.harness.ReplicationFixture.queryValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.applier.harness.FixtureOptions;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.testkit.AllPgVersions;
import io.walferry.testkit.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Restart semantics: whatever a restarted stream sends again (from the slot's confirmed position, or
 * from any earlier point), a new applier skips exactly the transactions its progress row covers,
 * ordinary and streamed, and applies the rest once.
 */
class RestartIT {
    private static final String[] TABLES = {
        "CREATE TABLE counter (id int PRIMARY KEY, n int)",
        "CREATE TABLE journal (n int, note text)",
        "ALTER TABLE journal REPLICA IDENTITY FULL",
        "CREATE TABLE bulk (id int PRIMARY KEY, pad text)"};

    private static final String[] SETUP = {"INSERT INTO counter VALUES (1, 0)"};

    /** Three ordinary increments and a streamed transaction that inserts rows and increments once more. */
    private static String[] work(int batch) {
        int from = batch * 10000;
        return new String[] {
            "UPDATE counter SET n = n + 1", "INSERT INTO journal SELECT n, 'a" + batch + "' FROM counter",
            "UPDATE counter SET n = n + 1", "INSERT INTO journal SELECT n, 'b" + batch + "' FROM counter",
            "BEGIN", "INSERT INTO bulk SELECT g, repeat('p', 100) FROM generate_series(" + (from + 1) + ", " + (from + 3000) + ") g",
            "UPDATE counter SET n = n + 1", "INSERT INTO journal SELECT n, 'streamed" + batch + "' FROM counter", "COMMIT"};
    }

    private static void assertSame(ReplicationFixture fixture, int batches) throws Exception {
        assertThat(fixture.targetRows("counter")).containsExactly("(1," + 3 * batches + ")");
        assertThat(fixture.targetRows("journal")).hasSize(3 * batches).isEqualTo(fixture.sourceRows("journal"));
        assertThat(fixture.targetRows("bulk")).hasSize(3000 * batches).isEqualTo(fixture.sourceRows("bulk"));
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldApplyNothingTwiceWhenTheWholeStreamIsReplayedIntoANewApplier(int version) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version), TABLES)) {
            long durable;
            try (TransactionalApplier first = fixture.openApplier("replay")) {
                fixture.run(first, SETUP);
                fixture.run(first, work(1));
                fixture.run(first, work(2));
                durable = first.durableLsn();
            }
            List<ReplicationFixture.Captured> stream = fixture.captured();

            try (TransactionalApplier second = new TransactionalApplier(fixture.targetSpec(), "replay")) {
                assertThat(second.open(fixture.protocolVersion())).isEqualTo(durable);
                ReplicationFixture.replay(second, stream);

                assertThat(second.durableLsn()).isEqualTo(durable);
                assertThat(second.openStreamedTransactions()).isZero();
            }
            assertSame(fixture, 2);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldApplyOnlyTheTransactionsAfterTheRecordedProgress(int version) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version), TABLES)) {
            long firstDurable;
            try (TransactionalApplier first = fixture.openApplier("resume")) {
                fixture.run(first, SETUP);
                fixture.run(first, work(1));
                firstDurable = first.durableLsn();
            }
            fixture.run(null, work(2));
            fixture.run(null, work(3));

            try (TransactionalApplier second = new TransactionalApplier(fixture.targetSpec(), "resume")) {
                assertThat(second.open(fixture.protocolVersion())).isEqualTo(firstDurable);
                ReplicationFixture.replay(second, fixture.captured());

                assertThat(Long.compareUnsigned(second.durableLsn(), firstDurable)).isPositive();
                assertThat(queryValue(fixture.target(), "SELECT end_lsn FROM walferry.apply_progress WHERE pipeline = 'resume'"))
                        .isEqualTo(io.walferry.decoder.Lsn.format(second.durableLsn()));
            }
            assertSame(fixture, 3);
        }
    }

    @Test
    void shouldResumeFromTheSlotAfterTheStreamRestarts() throws Exception {
        int version = TestPostgres.newestVersion();
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version),
                FixtureOptions.DEFAULTS.withPermanentSlot(), TABLES)) {
            try (TransactionalApplier first = fixture.openApplier("slot_restart")) {
                fixture.run(first, SETUP);
                fixture.run(first, work(1));
                fixture.confirm(first.durableLsn());
                fixture.run(first, work(2));
            }

            fixture.restartStream();
            try (TransactionalApplier second = fixture.openApplier("slot_restart")) {
                fixture.run(second, work(3));
            }

            assertSame(fixture, 3);
        }
    }

    @Test
    void shouldSkipWhatIsAppliedWhenTheSameApplierIsReopenedAfterAReconnect() throws Exception {
        int version = TestPostgres.newestVersion();
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version), TABLES);
             TransactionalApplier applier = fixture.openApplier("reopen")) {
            fixture.run(applier, SETUP);
            fixture.run(applier, work(1));
            long durable = applier.durableLsn();

            assertThat(applier.open(fixture.protocolVersion())).isEqualTo(durable);
            ReplicationFixture.replay(applier, fixture.captured());
            fixture.run(applier, work(2));

            assertSame(fixture, 2);
            assertThat(Long.compareUnsigned(applier.durableLsn(), durable)).isPositive();
        }
    }
}
