package io.walferry.applier;

import static io.walferry.applier.harness.ReplicationFixture.queryValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.applier.harness.FixtureOptions;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.applier.harness.TableRows;
import io.walferry.decoder.MessageType;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.TupleData;
import io.walferry.testkit.PgPair;
import io.walferry.testkit.TestPostgres;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The correctness rules of the design brief, each on a real stream between two servers of the newest version. */
class ChangeSemanticsIT {

    private static PgPair pair() {
        int version = TestPostgres.newestVersion();
        return TestPostgres.pair(version, version);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldApplyInsertsUpdatesAndDeletesInCommitOrder(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE items (id int PRIMARY KEY, label text, qty numeric)");
             ApplyHandler applier = fixture.openHandler("basic", mode)) {
            fixture.run(applier,
                    "INSERT INTO items VALUES (1, 'one', 1.5), (2, 'two', 2), (3, 'three', NULL)",
                    "UPDATE items SET label = 'uno' WHERE id = 1",
                    "DELETE FROM items WHERE id = 2");

            assertThat(fixture.targetRows("items")).isEqualTo(fixture.sourceRows("items"))
                    .containsExactly("(1,uno,1.5)", "(3,three,)");
            assertThat(applier.durableLsn()).isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldKeepUnchangedToastValueOnUpdate(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE docs (id int PRIMARY KEY, body text, note text)",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL");
             ApplyHandler applier = fixture.openHandler("toast", mode)) {
            fixture.run(applier, "INSERT INTO docs VALUES (1, repeat('0123456789', 10000), 'first')");
            int before = fixture.captured().size();

            fixture.run(applier, "UPDATE docs SET note = 'second' WHERE id = 1");

            assertThat(unchangedToastColumnsSent(fixture, before)).as("the update sent body as unchanged TOAST").isEqualTo(1);
            assertThat(fixture.targetRows("docs")).isEqualTo(fixture.sourceRows("docs"));
            assertThat(queryValue(fixture.target(), "SELECT length(body) || ' ' || note FROM docs")).isEqualTo("100000 second");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldMoveRowWhenUpdateChangesKey(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE docs (id int, region text, body text, PRIMARY KEY (region, id))",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL");
             ApplyHandler applier = fixture.openHandler("key_change", mode)) {
            fixture.run(applier, "INSERT INTO docs VALUES (1, 'eu', repeat('x', 50000)), (2, 'eu', 'small')");

            fixture.run(applier,
                    "UPDATE docs SET id = 10 WHERE id = 1",
                    "UPDATE docs SET region = 'us', id = 1 WHERE id = 2");

            assertThat(fixture.targetRows("docs")).isEqualTo(fixture.sourceRows("docs"));
            assertThat(queryValue(fixture.target(), "SELECT string_agg(region || id || ':' || length(body), ' ' ORDER BY id) FROM docs"))
                    .isEqualTo("us1:5 eu10:50000");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldChangeExactlyOneOfIdenticalRowsWithReplicaIdentityFull(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE dup (a int, b text, doc json, p point)",
                "ALTER TABLE dup REPLICA IDENTITY FULL");
             ApplyHandler applier = fixture.openHandler("full", mode)) {
            fixture.run(applier, "INSERT INTO dup VALUES (1, 'x', '{\"k\": [1, 2]}', '(1,2)'), (1, 'x', '{\"k\": [1, 2]}', '(1,2)'),"
                    + " (1, 'x', '{\"k\": [1, 2]}', '(1,2)'), (1, NULL, NULL, NULL), (1, NULL, NULL, NULL)");

            fixture.run(applier,
                    "UPDATE dup SET b = 'y' WHERE ctid = (SELECT min(ctid) FROM dup WHERE b = 'x')",
                    "DELETE FROM dup WHERE ctid = (SELECT max(ctid) FROM dup WHERE b = 'x')",
                    "DELETE FROM dup WHERE ctid = (SELECT max(ctid) FROM dup WHERE b IS NULL)");

            assertThat(fixture.targetRows("dup")).isEqualTo(fixture.sourceRows("dup")).containsExactly(
                    "(1,,,)", "(1,x,\"{\"\"k\"\": [1, 2]}\",\"(1,2)\")", "(1,y,\"{\"\"k\"\": [1, 2]}\",\"(1,2)\")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldMatchReplicaIdentityFullRowsByTheTargetPrimaryKey(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance numeric)",
                "ALTER TABLE accounts REPLICA IDENTITY FULL");
             ApplyHandler applier = fixture.openHandler("full_pk", mode)) {
            fixture.run(applier, "INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cy', 30)");

            fixture.run(applier,
                    "UPDATE accounts SET balance = balance + 1",
                    "UPDATE accounts SET id = 20 WHERE id = 2",
                    "DELETE FROM accounts WHERE id = 3");

            assertThat(fixture.targetRows("accounts")).isEqualTo(fixture.sourceRows("accounts"))
                    .containsExactly("(1,ann,11)", "(20,bob,21)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldTruncateTheListedTablesAndRestartIdentity(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE parent (id int PRIMARY KEY)",
                "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent)",
                "CREATE TABLE counted (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text)");
             ApplyHandler applier = fixture.openHandler("truncate", mode)) {
            fixture.run(applier, "INSERT INTO parent VALUES (1), (2)", "INSERT INTO child VALUES (1, 1)",
                    "INSERT INTO counted (v) VALUES ('a'), ('b')");

            fixture.run(applier, "TRUNCATE parent CASCADE", "TRUNCATE counted RESTART IDENTITY",
                    "INSERT INTO counted (v) VALUES ('after')");

            assertThat(fixture.targetRows("parent")).isEmpty();
            assertThat(fixture.targetRows("child")).isEmpty();
            assertThat(fixture.targetRows("counted")).containsExactly("(1,after)");
            assertThat(queryValue(fixture.target(), "SELECT nextval(pg_get_serial_sequence('counted', 'id'))"))
                    .as("the target's identity sequence restarted").isEqualTo("1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldApplyPartitionChangesThroughTheRootAndMoveRowsBetweenPartitions(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(), FixtureOptions.DEFAULTS.withPublishViaPartitionRoot(),
                "CREATE TABLE events (id int, region text, payload text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
                "CREATE TABLE events_eu PARTITION OF events FOR VALUES IN ('eu')",
                "CREATE TABLE events_us PARTITION OF events FOR VALUES IN ('us')");
             ApplyHandler applier = fixture.openHandler("partitions_root", mode)) {
            fixture.run(applier, "INSERT INTO events VALUES (1, 'eu', 'a'), (2, 'eu', 'b'), (3, 'us', 'c')");

            fixture.run(applier,
                    "UPDATE events SET region = 'us' WHERE id = 1",
                    "UPDATE events SET payload = 'changed' WHERE id = 3",
                    "DELETE FROM events WHERE id = 2",
                    "TRUNCATE events_eu");

            assertThat(TableRows.withPartition(fixture.target(), "events"))
                    .isEqualTo(TableRows.withPartition(fixture.source(), "events"))
                    .containsExactly("events_us|(1,us,a)", "events_us|(3,us,changed)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldApplyPartitionChangesToThePartitionsWhenPublishedPerPartition(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE events (id int, region text, payload text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
                "CREATE TABLE events_eu PARTITION OF events FOR VALUES IN ('eu')",
                "CREATE TABLE events_us PARTITION OF events FOR VALUES IN ('us')");
             ApplyHandler applier = fixture.openHandler("partitions_leaf", mode)) {
            fixture.run(applier, "INSERT INTO events VALUES (1, 'eu', 'a'), (2, 'eu', 'b'), (3, 'us', 'c')");

            fixture.run(applier, "UPDATE events SET region = 'us' WHERE id = 1", "DELETE FROM events WHERE id = 2");

            assertThat(TableRows.withPartition(fixture.target(), "events"))
                    .isEqualTo(TableRows.withPartition(fixture.source(), "events"))
                    .containsExactly("events_us|(1,us,a)", "events_us|(3,us,c)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldLeaveInheritanceChildrenToTheirOwnChanges(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE animals (id int PRIMARY KEY, name text)",
                "CREATE TABLE dogs (PRIMARY KEY (id)) INHERITS (animals)");
             ApplyHandler applier = fixture.openHandler("inheritance", mode)) {
            fixture.run(applier, "INSERT INTO animals VALUES (1, 'cat')", "INSERT INTO dogs VALUES (1, 'rex')");

            fixture.run(applier, "UPDATE ONLY animals SET name = 'tom' WHERE id = 1", "DELETE FROM ONLY dogs WHERE id = 1");

            assertThat(TableRows.withPartition(fixture.target(), "animals"))
                    .isEqualTo(TableRows.withPartition(fixture.source(), "animals")).containsExactly("animals|(1,tom)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldNotApplyChangesOfARolledBackSavepoint(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(), "CREATE TABLE items (id int PRIMARY KEY)");
             ApplyHandler applier = fixture.openHandler("savepoint", mode)) {
            fixture.run(applier, "BEGIN", "INSERT INTO items VALUES (1)", "SAVEPOINT s1", "INSERT INTO items VALUES (2)",
                    "ROLLBACK TO SAVEPOINT s1", "INSERT INTO items VALUES (3)", "COMMIT");

            assertThat(fixture.targetRows("items")).containsExactly("(1)", "(3)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldLetTheTargetComputeGeneratedColumnsAndKeepIdentityValues(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE measures (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, serial_no int GENERATED ALWAYS"
                        + " AS IDENTITY (START 100), a int, doubled int GENERATED ALWAYS AS (a * 2) STORED)");
             ApplyHandler applier = fixture.openHandler("generated", mode)) {
            fixture.run(applier, "INSERT INTO measures (a) VALUES (1), (2), (3)");

            fixture.run(applier, "UPDATE measures SET a = 20 WHERE id = 2", "DELETE FROM measures WHERE id = 3");

            assertThat(fixture.targetRows("measures")).isEqualTo(fixture.sourceRows("measures"))
                    .containsExactly("(1,100,1,2)", "(2,101,20,40)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldQuoteSchemaTableAndColumnNames(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE SCHEMA \"My Schema\"",
                "CREATE TABLE \"My Schema\".\"Odd \"\"Table\"\"\" (\"Select\" int PRIMARY KEY, \"with space\" text, \"MiXeD\" text)");
             ApplyHandler applier = fixture.openHandler("quoting", mode)) {
            String table = "\"My Schema\".\"Odd \"\"Table\"\"\"";
            fixture.run(applier, "INSERT INTO " + table + " VALUES (1, 'a', 'b'), (2, 'c', 'd')",
                    "UPDATE " + table + " SET \"MiXeD\" = 'e', \"Select\" = 3 WHERE \"Select\" = 1",
                    "DELETE FROM " + table + " WHERE \"Select\" = 2");

            assertThat(fixture.targetRows(table)).isEqualTo(fixture.sourceRows(table)).containsExactly("(3,a,e)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldNotFireTargetTriggersOrForeignKeyChecks(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE parent (id int PRIMARY KEY)",
                "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent)");
             ApplyHandler applier = fixture.openHandler("replica_role", mode)) {
            ReplicationFixture.execute(fixture.target(), "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql"
                    + " AS $$ BEGIN RAISE EXCEPTION 'trigger fired'; END $$");
            ReplicationFixture.execute(fixture.target(), "CREATE TRIGGER refuse BEFORE INSERT ON child FOR EACH ROW EXECUTE FUNCTION refuse()");
            ReplicationFixture.execute(fixture.target(), "DELETE FROM parent");

            fixture.run(applier, "INSERT INTO parent VALUES (1)", "INSERT INTO child VALUES (1, 1)");

            assertThat(fixture.targetRows("child")).containsExactly("(1,1)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldCountTransactionsWithoutChangesAsDurableWithoutWritingTheTarget(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(), "CREATE TABLE items (id int PRIMARY KEY)");
             ApplyHandler applier = fixture.openHandler("empty", mode)) {
            fixture.run(applier, "INSERT INTO items VALUES (1)");
            String recorded = progressEndLsn(fixture, "empty");
            long durableBefore = applier.durableLsn();

            ReplicationFixture.execute(fixture.source(), "SELECT pg_logical_emit_message(true, 'walferry.test', 'only a message')");
            fixture.deliverUntil(applier, MessageType.COMMIT);
            // The batched mode applies what it gathered once the stream goes quiet.
            ReplicationFixture.awaitDurable(applier, durableBefore + 1);

            assertThat(Long.compareUnsigned(applier.durableLsn(), durableBefore)).isPositive();
            assertThat(progressEndLsn(fixture, "empty")).isEqualTo(recorded);
            fixture.run(applier, "SELECT pg_logical_emit_message(false, 'walferry.test', 'outside any transaction')");
            assertThat(fixture.targetRows("items")).containsExactly("(1)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transactional", "batched"})
    void shouldChangeOneRowAmongRowsWithTheSameCtidInDifferentPartitions(String mode) throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(), FixtureOptions.DEFAULTS.withPublishViaPartitionRoot(),
                "CREATE TABLE logs (region text, msg text) PARTITION BY LIST (region)",
                "CREATE TABLE logs_eu PARTITION OF logs FOR VALUES IN ('eu')",
                "CREATE TABLE logs_us PARTITION OF logs FOR VALUES IN ('us')",
                "ALTER TABLE logs REPLICA IDENTITY FULL",
                "ALTER TABLE logs_eu REPLICA IDENTITY FULL",
                "ALTER TABLE logs_us REPLICA IDENTITY FULL");
             ApplyHandler applier = fixture.openHandler("partitions_full", mode)) {
            fixture.run(applier, "INSERT INTO logs VALUES ('eu', 'x'), ('us', 'x'), ('us', 'x')");

            fixture.run(applier, "DELETE FROM logs WHERE region = 'eu'",
                    "UPDATE logs SET region = 'eu' WHERE ctid = (SELECT min(ctid) FROM logs_us)");

            assertThat(TableRows.withPartition(fixture.target(), "logs"))
                    .isEqualTo(TableRows.withPartition(fixture.source(), "logs"))
                    .containsExactly("logs_eu|(eu,x)", "logs_us|(us,x)");
        }
    }

    private static String progressEndLsn(ReplicationFixture fixture, String pipeline) throws Exception {
        return queryValue(fixture.target(), "SELECT end_lsn FROM walferry.apply_progress WHERE pipeline = '" + pipeline + "'");
    }

    private static int unchangedToastColumnsSent(ReplicationFixture fixture, int from) {
        PgOutputDecoder decoder = new PgOutputDecoder(fixture.protocolVersion());
        int unchanged = 0;
        int index = 0;
        for (ReplicationFixture.Captured message : fixture.captured()) {
            MessageType type = decoder.wrap(new UnsafeBuffer(message.bytes()), 0, message.bytes().length);
            if (index++ >= from && type == MessageType.UPDATE) {
                TupleData tuple = decoder.update().newTuple();
                for (int i = 0; i < tuple.columnCount(); i++) {
                    unchanged += tuple.isUnchangedToast(i) ? 1 : 0;
                }
            }
        }
        return unchanged;
    }
}
