package io.walferry.applier;

import static io.walferry.applier.harness.ReplicationFixture.execute;
import static io.walferry.applier.harness.ReplicationFixture.queryValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.applier.harness.FixtureOptions;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.decoder.MessageType;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.testkit.AllPgVersions;
import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import java.util.HashSet;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transactions larger than the source's {@code logical_decoding_work_mem} (64kB on test servers),
 * which PostgreSQL 14+ streams while they are in progress: applied block by block on target
 * sessions of their own, committed at Stream Commit, rolled back at Stream Abort, subtransactions
 * rolled back at theirs.
 */
class StreamedTransactionsIT {
    private static final String BULK = "CREATE TABLE bulk (id int PRIMARY KEY, pad text)";

    private static ReplicationFixture fixture(int version, String... ddl) throws Exception {
        return ReplicationFixture.create(TestPostgres.pair(version, version), ddl);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldApplyAStreamedTransactionAsItArrivesAndCommitItAtStreamCommit(int version) throws Exception {
        try (ReplicationFixture fixture = fixture(version, BULK);
             TransactionalApplier applier = fixture.openApplier("stream_commit");
             Connection session = fixture.newSourceSession()) {
            session.setAutoCommit(false);
            execute(session, "INSERT INTO bulk SELECT g, repeat('p', 100) FROM generate_series(1, 5000) g");
            fixture.deliverUntil(applier, MessageType.STREAM_STOP);

            assertThat(applier.openStreamedTransactions()).isEqualTo(1);
            assertThat(queryValue(fixture.target(), "SELECT count(*) FROM bulk")).as("not committed on the target yet").isEqualTo("0");
            assertThat(queryValue(fixture.target(), "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'walferry apply stream_commit' AND state = 'idle in transaction'")).isEqualTo("1");

            execute(session, "UPDATE bulk SET pad = 'updated' WHERE id % 10 = 0");
            execute(session, "DELETE FROM bulk WHERE id % 7 = 0");
            execute(fixture.source(), "INSERT INTO bulk VALUES (100000, 'ordinary, committed first')");
            session.commit();
            fixture.sync(applier);

            assertThat(fixture.targetRows("bulk")).hasSize(5000 - 714 + 1).isEqualTo(fixture.sourceRows("bulk"));
            assertThat(applier.openStreamedTransactions()).isZero();
            assertThat(types(fixture)).contains(MessageType.STREAM_START, MessageType.STREAM_COMMIT);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldDiscardAStreamedTransactionAtStreamAbort(int version) throws Exception {
        try (ReplicationFixture fixture = fixture(version, BULK);
             TransactionalApplier applier = fixture.openApplier("stream_abort");
             Connection session = fixture.newSourceSession()) {
            session.setAutoCommit(false);
            execute(session, "INSERT INTO bulk SELECT g, repeat('p', 100) FROM generate_series(1, 5000) g");
            fixture.deliverUntil(applier, MessageType.STREAM_STOP);
            session.rollback();
            fixture.run(applier, "INSERT INTO bulk VALUES (1, 'after the abort')");

            assertThat(fixture.targetRows("bulk")).containsExactly("(1,\"after the abort\")");
            assertThat(applier.openStreamedTransactions()).isZero();
            assertThat(types(fixture)).contains(MessageType.STREAM_ABORT);
            assertThat(queryValue(fixture.target(), "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'walferry apply stream_abort' AND state = 'idle in transaction'")).isEqualTo("0");
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}, {1}")
    @CsvSource({"14, transactional", "17, transactional", "18, transactional", "14, batched", "18, batched"})
    void shouldRollBackAStreamedSubtransactionAtItsAbort(int version, String mode) throws Exception {
        try (ReplicationFixture fixture = fixture(version, BULK);
             ApplyHandler applier = fixture.openHandler("stream_subxact", mode)) {
            fixture.run(applier, "BEGIN",
                    "INSERT INTO bulk SELECT g, 'top' FROM generate_series(1, 1000) g",
                    "SAVEPOINT a",
                    "INSERT INTO bulk SELECT g, 'rolled back' FROM generate_series(1001, 3000) g",
                    "ROLLBACK TO SAVEPOINT a",
                    "INSERT INTO bulk SELECT g, 'after rollback' FROM generate_series(1001, 1500) g",
                    "SAVEPOINT b",
                    "INSERT INTO bulk SELECT g, 'released' FROM generate_series(5001, 6000) g",
                    "SAVEPOINT c",
                    "UPDATE bulk SET pad = 'nested, rolled back' WHERE id <= 2000",
                    "ROLLBACK TO SAVEPOINT c",
                    "RELEASE SAVEPOINT b",
                    "UPDATE bulk SET pad = 'kept' WHERE id % 100 = 0",
                    "COMMIT");

            assertThat(fixture.targetRows("bulk")).hasSize(2500).isEqualTo(fixture.sourceRows("bulk"));
            assertThat(subtransactionAborts(fixture)).as("subtransaction aborts were streamed").isPositive();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}, {1}")
    @CsvSource({"14, transactional", "17, transactional", "18, transactional", "14, batched", "18, batched"})
    void shouldRollBackNestedSubtransactionsTogether(int version, String mode) throws Exception {
        try (ReplicationFixture fixture = fixture(version, BULK);
             ApplyHandler applier = fixture.openHandler("stream_nested", mode)) {
            fixture.run(applier, "BEGIN",
                    "INSERT INTO bulk SELECT g, 'top' FROM generate_series(1, 500) g",
                    "SAVEPOINT outer_sp",
                    "SAVEPOINT inner_sp",
                    "INSERT INTO bulk SELECT g, 'inner' FROM generate_series(501, 2500) g",
                    "RELEASE SAVEPOINT inner_sp",
                    "INSERT INTO bulk SELECT g, 'outer' FROM generate_series(2501, 4500) g",
                    "ROLLBACK TO SAVEPOINT outer_sp",
                    "INSERT INTO bulk SELECT g, 'after' FROM generate_series(501, 600) g",
                    "COMMIT");

            assertThat(fixture.targetRows("bulk")).hasSize(600).isEqualTo(fixture.sourceRows("bulk"));
            assertThat(subtransactionAborts(fixture)).as("subtransaction aborts were streamed").isPositive();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}, {1}")
    @CsvSource({"14, transactional", "17, transactional", "18, transactional", "14, batched", "18, batched"})
    void shouldApplyInterleavedStreamedAndOrdinaryTransactionsInCommitOrder(int version, String mode) throws Exception {
        try (ReplicationFixture fixture = fixture(version, BULK, "CREATE TABLE other (id int PRIMARY KEY, pad text)");
             ApplyHandler applier = fixture.openHandler("stream_interleaved", mode);
             Connection first = fixture.newSourceSession();
             Connection second = fixture.newSourceSession()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            execute(first, "INSERT INTO bulk SELECT g, 'first' FROM generate_series(1, 3000) g");
            execute(second, "INSERT INTO other SELECT g, 'second' FROM generate_series(1, 3000) g");
            execute(fixture.source(), "INSERT INTO bulk VALUES (10001, 'ordinary')");
            execute(first, "UPDATE bulk SET pad = 'first again' WHERE id <= 1000");
            execute(second, "DELETE FROM other WHERE id > 2000");
            second.commit();
            execute(fixture.source(), "UPDATE other SET pad = 'after second' WHERE id = 1");
            first.commit();
            fixture.sync(applier);

            assertThat(fixture.targetRows("bulk")).hasSize(3001).isEqualTo(fixture.sourceRows("bulk"));
            assertThat(fixture.targetRows("other")).hasSize(2000).isEqualTo(fixture.sourceRows("other"));
            assertThat(streamedXidsOpenAtOnce(fixture)).isEqualTo(2);
        }
    }

    /**
     * PostgreSQL streams a subtransaction's changes while it does not know yet that the subtransaction
     * aborted, but drops, unsent, the changes of one it finds aborted (here the parent, whose TOASTed
     * rows made it spill to disk first): the child's UPDATE of rows its parent inserted then arrives
     * without those rows, followed by the child's Stream Abort. Decoded after the transaction ended, as
     * when the pipeline catches up, this happens every time. Nothing of it must reach the target, and
     * the applier must not stop on it.
     */
    @ParameterizedTest(name = "PostgreSQL {0}, {1}")
    @CsvSource({"14, transactional", "17, transactional", "18, transactional", "14, batched", "18, batched"})
    void shouldNotStopOnChangesOfAnAbortedSubtransactionWhoseParentWasNeverSent(int version, String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version),
                FixtureOptions.DEFAULTS.withDecodeLater(), "CREATE TABLE docs (id int PRIMARY KEY, note text, body text)");
             ApplyHandler applier = fixture.openHandler("stream_aborted_parent", mode)) {
            fixture.run(applier, "BEGIN",
                    "INSERT INTO docs VALUES (1, 'top', 'kept')",
                    "SAVEPOINT parent",
                    "INSERT INTO docs SELECT g, 'parent', CASE WHEN g % 20 = 0 THEN (SELECT string_agg(md5(g || ':' || i), '')"
                            + " FROM generate_series(1, 100) i) ELSE 'small' END FROM generate_series(100, 471) g",
                    "SAVEPOINT child",
                    "INSERT INTO docs SELECT g, 'child', 'small' FROM generate_series(1000, 1700) g",
                    "UPDATE docs SET note = 'updated' WHERE id % 3 = 1",
                    "ROLLBACK TO SAVEPOINT child",
                    "ROLLBACK TO SAVEPOINT parent",
                    "COMMIT");

            assertThat(fixture.targetRows("docs")).isEqualTo(fixture.sourceRows("docs")).containsExactly("(1,top,kept)");
            assertThat(subtransactionAborts(fixture)).as("subtransaction aborts were streamed").isPositive();
        }
    }

    /**
     * A table's first change in a stream inside a streamed transaction: its Relation message comes
     * inside the Stream Start/Stop block, with the transaction's xid. A batch of ordinary transactions
     * around it that must take the exact path (the keyless table) re-reads the batch's messages, and
     * must read that Relation message as a streamed one.
     */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldApplyABatchOnTheExactPathAroundAStreamedTransactionThatSentARelation(int version) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version),
                FixtureOptions.DEFAULTS.withDecodeLater(), BULK, "CREATE TABLE journal (n int, note text)",
                "ALTER TABLE journal REPLICA IDENTITY FULL");
             ApplyHandler applier = fixture.openHandler("stream_relation_exact", "batched")) {
            fixture.run(applier,
                    "INSERT INTO journal VALUES (1, 'twin'), (1, 'twin')",
                    "INSERT INTO bulk SELECT g, 'p' FROM generate_series(1, 2000) g",
                    "DELETE FROM journal WHERE ctid = (SELECT min(ctid) FROM journal)");

            assertThat(fixture.targetRows("journal")).isEqualTo(fixture.sourceRows("journal")).containsExactly("(1,twin)");
            assertThat(fixture.targetRows("bulk")).hasSize(2000).isEqualTo(fixture.sourceRows("bulk"));
            assertThat(types(fixture)).contains(MessageType.STREAM_START);
        }
    }

    private static Set<MessageType> types(ReplicationFixture fixture) {
        Set<MessageType> types = new HashSet<>();
        fixture.captured().forEach(message -> types.add(message.type()));
        return types;
    }

    private static int subtransactionAborts(ReplicationFixture fixture) {
        PgOutputDecoder decoder = new PgOutputDecoder(fixture.protocolVersion());
        int aborts = 0;
        for (ReplicationFixture.Captured message : fixture.captured()) {
            if (decoder.wrap(new UnsafeBuffer(message.bytes()), 0, message.bytes().length) == MessageType.STREAM_ABORT
                    && !decoder.streamAbort().topLevel()) {
                aborts++;
            }
        }
        return aborts;
    }

    private static int streamedXidsOpenAtOnce(ReplicationFixture fixture) {
        PgOutputDecoder decoder = new PgOutputDecoder(fixture.protocolVersion());
        Set<Long> open = new HashSet<>();
        int most = 0;
        for (ReplicationFixture.Captured message : fixture.captured()) {
            MessageType type = decoder.wrap(new UnsafeBuffer(message.bytes()), 0, message.bytes().length);
            if (type == MessageType.STREAM_START) {
                open.add(decoder.streamStart().xid());
            } else if (type == MessageType.STREAM_COMMIT) {
                open.remove(decoder.streamCommit().xid());
            }
            most = Math.max(most, open.size());
        }
        return most;
    }
}
