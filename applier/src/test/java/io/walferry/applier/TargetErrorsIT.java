package io.walferry.applier;

import static io.walferry.applier.harness.ReplicationFixture.execute;
import static io.walferry.applier.harness.ReplicationFixture.queryValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.walferry.applier.harness.FixtureOptions;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.decoder.Lsn;
import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * What the applier does when the target cannot take a change: an {@link ApplyException} that names
 * the table, the operation, the key and the source transaction; the target transaction rolled back,
 * the progress row where it was, and the applier refusing further messages until reopened.
 */
class TargetErrorsIT {
    private static final String ITEMS = "CREATE TABLE items (id int PRIMARY KEY, note text)";

    private static ReplicationFixture fixture(String... ddl) throws Exception {
        return fixture(FixtureOptions.DEFAULTS, ddl);
    }

    private static ReplicationFixture fixture(FixtureOptions options, String... ddl) throws Exception {
        int version = TestPostgres.newestVersion();
        return ReplicationFixture.create(TestPostgres.pair(version, version), options, ddl);
    }

    private static String progress(ReplicationFixture fixture, String pipeline) throws Exception {
        return queryValue(fixture.target(), "SELECT end_lsn FROM walferry.apply_progress WHERE pipeline = '" + pipeline + "'");
    }

    /** Runs {@code sql} in one source transaction and returns its xid. */
    private static long runTransaction(ReplicationFixture fixture, String... sql) throws Exception {
        try (Connection session = fixture.newSourceSession()) {
            session.setAutoCommit(false);
            for (String statement : sql) {
                execute(session, statement);
            }
            long xid = Long.parseLong(queryValue(session, "SELECT txid_current() % (2^32)::bigint"));
            session.commit();
            return xid;
        }
    }

    @Test
    void shouldNameTheTableAndSourceTransactionWhenTheTableIsMissingOnTheTarget() throws Exception {
        try (ReplicationFixture fixture = fixture(ITEMS, "CREATE TABLE kept (id int PRIMARY KEY)");
             TransactionalApplier applier = fixture.openApplier("missing_table")) {
            fixture.run(applier, "INSERT INTO items VALUES (1, 'applied')");
            String recorded = progress(fixture, "missing_table");
            execute(fixture.target(), "DROP TABLE items");

            long xid = runTransaction(fixture, "INSERT INTO kept VALUES (1)", "INSERT INTO items VALUES (2, 'lost')");
            ApplyException failure = catchThrowableOfType(ApplyException.class, () -> fixture.sync(applier));

            assertThat(failure.failure()).isEqualTo(ApplyFailure.TARGET_NOT_READY);
            assertThat(failure).hasMessageContaining("table public.items does not exist on the target: create it there")
                    .hasMessageContaining("source transaction " + xid + " (commit LSN ")
                    .hasMessageContaining("the target transaction was rolled back");
            assertThat(progress(fixture, "missing_table")).isEqualTo(recorded);
            assertThat(fixture.targetRows("kept")).as("the transaction's earlier change was rolled back").isEmpty();
            assertThatThrownBy(() -> ReplicationFixture.replay(applier, fixture.captured().subList(0, 1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("call open() again");
        }
    }

    @Test
    void shouldReportDivergenceWhenTheRowToUpdateIsMissing() throws Exception {
        try (ReplicationFixture fixture = fixture(ITEMS);
             TransactionalApplier applier = fixture.openApplier("missing_row")) {
            fixture.run(applier, "INSERT INTO items VALUES (1, 'a'), (2, 'b')");
            String recorded = progress(fixture, "missing_row");
            long durable = applier.durableLsn();
            execute(fixture.target(), "DELETE FROM items WHERE id = 2");

            long xid = runTransaction(fixture, "INSERT INTO items VALUES (3, 'c')", "UPDATE items SET note = 'x' WHERE id = 2");
            ApplyException failure = catchThrowableOfType(ApplyException.class, () -> fixture.sync(applier));

            assertThat(failure.failure()).isEqualTo(ApplyFailure.TARGET_DIVERGED);
            assertThat(failure).hasMessageStartingWith("UPDATE of public.items found no row with (id)=(2) on the target:"
                    + " the target has diverged from the source").hasMessageContaining("source transaction " + xid);
            assertThat(progress(fixture, "missing_row")).isEqualTo(recorded);
            assertThat(applier.durableLsn()).isEqualTo(durable);
            assertThat(fixture.targetRows("items")).containsExactly("(1,a)");
        }
    }

    @Test
    void shouldReportAKeyThatIsNotUniqueOnTheTarget() throws Exception {
        try (ReplicationFixture fixture = fixture(ITEMS);
             TransactionalApplier applier = fixture.openApplier("duplicate_key")) {
            fixture.run(applier, "INSERT INTO items VALUES (1, 'a')");
            execute(fixture.target(), "ALTER TABLE items DROP CONSTRAINT items_pkey");
            execute(fixture.target(), "INSERT INTO items VALUES (1, 'a twin')");

            assertThatThrownBy(() -> fixture.run(applier, "DELETE FROM items WHERE id = 1"))
                    .isInstanceOf(ApplyException.class)
                    .hasMessageContaining("DELETE from public.items matched 2 rows with (id)=(1) on the target");
            assertThat(fixture.targetRows("items")).hasSize(2);
        }
    }

    @Test
    void shouldNameTheFailedRowOfABatch() throws Exception {
        try (ReplicationFixture fixture = fixture(ITEMS);
             TransactionalApplier applier = fixture.openApplier("batch_row")) {
            execute(fixture.target(), "INSERT INTO items VALUES (7, 'already there')");

            ApplyException failure = catchThrowableOfType(ApplyException.class, () -> fixture.run(applier,
                    "INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 10) g"));

            assertThat(failure.failure()).isEqualTo(ApplyFailure.TARGET_DIVERGED);
            assertThat(failure).hasMessageStartingWith("INSERT into public.items with (id)=(7) failed: ERROR: duplicate key value"
                + " violates unique constraint \"items_pkey\" (Key (id)=(7) already exists.); in source transaction ");
            assertThat(fixture.targetRows("items")).containsExactly("(7,\"already there\")");
        }
    }

    @Test
    void shouldNameAColumnMissingOnTheTarget() throws Exception {
        try (ReplicationFixture fixture = fixture(ITEMS);
             TransactionalApplier applier = fixture.openApplier("missing_column")) {
            execute(fixture.target(), "ALTER TABLE items DROP COLUMN note");

            assertThatThrownBy(() -> fixture.run(applier, "INSERT INTO items VALUES (1, 'a')"))
                    .isInstanceOf(ApplyException.class)
                    .hasMessageContaining("column note of table public.items, sent by the source, does not exist on the target");
        }
    }

    @Test
    void shouldRefuseABinaryValueOfATypeItCannotConvertExactly() throws Exception {
        try (ReplicationFixture fixture = fixture(FixtureOptions.DEFAULTS.withBinary(),
                "CREATE TABLE clocks (id int PRIMARY KEY, at timetz)");
             TransactionalApplier applier = fixture.openApplier("binary")) {
            assertThatThrownBy(() -> fixture.run(applier, "INSERT INTO clocks VALUES (1, '10:00+02')"))
                    .isInstanceOf(ApplyException.class)
                    .hasMessageContaining("column at of public.clocks arrived in binary format (INSERT into"
                            + " public.clocks) with type OID 1266, whose binary form walferry cannot convert exactly")
                    .hasMessageContaining("stream this table with text values");
        }
    }

    @Test
    void shouldRaiseAHeldBackFailureWhenTheStreamedTransactionWasNotAReplay() throws Exception {
        try (ReplicationFixture fixture = fixture(ITEMS)) {
            try (TransactionalApplier first = fixture.openApplier("held_back")) {
                fixture.run(first, "INSERT INTO items VALUES (1, 'a')");
            }
            execute(fixture.target(), "INSERT INTO items VALUES (2000, 'conflicts with the source')");
            fixture.run(null, "INSERT INTO items SELECT g, repeat('p', 100) FROM generate_series(2, 3000) g");

            try (TransactionalApplier second = new TransactionalApplier(fixture.targetSpec(), "held_back")) {
                second.open(fixture.protocolVersion());
                ApplyException failure = catchThrowableOfType(ApplyException.class, () -> ReplicationFixture.replay(second, fixture.captured()));

                assertThat(failure).hasMessageContaining("INSERT into public.items with (id)=(2000) failed")
                        .hasMessageContaining("committed at LSN");
                assertThat(Lsn.format(second.durableLsn())).isEqualTo(progress(fixture, "held_back"));
            }
            assertThat(fixture.targetRows("items")).hasSize(2);
        }
    }

    @Test
    void shouldRefuseMessagesBeforeOpen() {
        TransactionalApplier applier = new TransactionalApplier(
                io.walferry.engine.source.ConnectionSpec.parse("postgresql://nobody@localhost:1/none"), "unopened");

        assertThatThrownBy(() -> applier.onMessage(new UnsafeBuffer(new byte[] {'B'}), 0, 1, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call open() first");
    }
}
