package io.walferry.applier.batch;

import static io.walferry.applier.harness.ReplicationFixture.execute;
import static io.walferry.applier.harness.ReplicationFixture.queryValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.applier.BatchOptions;
import io.walferry.applier.BatchedApplier;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.decoder.MessageType;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.testkit.PgPair;
import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The state a crash between two lanes' commits leaves, for a batch holding an UPDATE that moved a
 * row from one lane's key to the other's: one lane holds its half of the move, the other does not.
 * After the restart the batch is applied the exact way (it also updates a table without a key), and
 * the exact path must apply the missing half only: the DELETE of the old key, or the INSERT of the
 * new row.
 *
 * <p>The crash is made by hand on the target after a clean apply, as the lanes would have left it:
 * the pending lane's progress row back where it stood before the batch, and its part of the batch's
 * rows undone; then a new applier gets the stream again from its start, as after a restart.
 */
class HalfAppliedKeyChangeIT {
    private static final int LANES = 2;
    /** The lane (0-based) that committed the batch before the crash, and the one that had not. */
    private static final int COMMITTED = 0;
    private static final int PENDING = 1;

    private static PgPair pair() {
        int version = TestPostgres.newestVersion();
        return TestPostgres.pair(version, version);
    }

    @Test
    void shouldApplyOnlyTheMissingHalfOfKeyChangesAfterACrashBetweenLaneCommits() throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE items (id int PRIMARY KEY, label text)",
                "CREATE TABLE plain (a int, b int)",
                "ALTER TABLE plain REPLICA IDENTITY FULL")) {
            // Moved in: from a key of the committed lane to one of the pending lane; moved out: the reverse.
            int inOld = key("items", COMMITTED, 1);
            int inNew = key("items", PENDING, inOld + 1);
            int outOld = key("items", PENDING, inNew + 1);
            int outNew = key("items", COMMITTED, outOld + 1);
            long batchEnd;
            Map<Integer, String> before;
            try (ApplyHandler first = batched(fixture)) {
                fixture.run(first, "INSERT INTO items VALUES (" + inOld + ", 'in'), (" + outOld + ", 'out')",
                        "INSERT INTO plain VALUES (1, 1)");
                before = progress(fixture.target());
                batchEnd = applyNextTransaction(fixture, first, "WITH moved AS (UPDATE items SET id = CASE id WHEN "
                        + inOld + " THEN " + inNew + " ELSE " + outNew + " END WHERE id IN (" + inOld + ", " + outOld
                        + ") RETURNING 1) UPDATE plain SET b = 2");
            }
            // The crash: the pending lane neither wrote the moved-in row nor deleted the moved-out one.
            Connection target = fixture.target();
            execute(target, "DELETE FROM items WHERE id = " + inNew);
            execute(target, "INSERT INTO items VALUES (" + outOld + ", 'out')");
            if (Coalescer.tableLane("public", "plain", LANES) == PENDING) {
                execute(target, "UPDATE plain SET b = 1");
            }
            rewind(target, PENDING, before);

            try (ApplyHandler second = batched(fixture)) {
                ReplicationFixture.replay(second, fixture.captured());
                ReplicationFixture.awaitDurable(second, batchEnd);
            }

            assertThat(fixture.targetRows("items")).isEqualTo(fixture.sourceRows("items"))
                    .containsExactlyInAnyOrder("(" + inNew + ",in)", "(" + outNew + ",out)");
            assertThat(fixture.targetRows("plain")).isEqualTo(fixture.sourceRows("plain")).containsExactly("(1,2)");
            assertThat(queryValue(target, "SELECT count(DISTINCT end_lsn) FROM walferry.apply_progress"
                    + " WHERE pipeline = 'half'")).as("the lanes are level again").isEqualTo("1");
        }
    }

    @Test
    void shouldRefuseANewRowWhoseUnchangedToastValueOnlyTheDeletedOldRowHeld() throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(pair(),
                "CREATE TABLE docs (id int PRIMARY KEY, body text)",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
                "CREATE TABLE plain (a int, b int)",
                "ALTER TABLE plain REPLICA IDENTITY FULL")) {
            int oldKey = key("docs", COMMITTED, 1);
            int newKey = key("docs", PENDING, oldKey + 1);
            long batchEnd;
            Map<Integer, String> before;
            try (ApplyHandler first = batched(fixture)) {
                fixture.run(first, "INSERT INTO docs VALUES (" + oldKey + ", repeat('x', 50000))",
                        "INSERT INTO plain VALUES (1, 1)");
                before = progress(fixture.target());
                batchEnd = applyNextTransaction(fixture, first, "WITH moved AS (UPDATE docs SET id = " + newKey
                        + " WHERE id = " + oldKey + " RETURNING 1) UPDATE plain SET b = 2");
            }
            Connection target = fixture.target();
            execute(target, "DELETE FROM docs WHERE id = " + newKey);
            if (Coalescer.tableLane("public", "plain", LANES) == PENDING) {
                execute(target, "UPDATE plain SET b = 1");
            }
            rewind(target, PENDING, before);

            try (ApplyHandler second = batched(fixture)) {
                assertThatThrownBy(() -> {
                    ReplicationFixture.replay(second, fixture.captured());
                    ReplicationFixture.awaitDurable(second, batchEnd);
                }).hasMessageContaining("public.docs").hasMessageContaining("column body came as an unchanged TOAST value")
                        .hasMessageContaining("walferry cleanup, then walferry replicate --truncate-target");
            }
            assertThat(queryValue(target, "SELECT count(*) FROM docs")).as("nothing half written").isEqualTo("0");
            assertThat(progress(target).get(PENDING + 1)).as("the pending lane did not move").isEqualTo(before.get(PENDING + 1));
        }
    }

    private static ApplyHandler batched(ReplicationFixture fixture) throws Exception {
        BatchedApplier applier = new BatchedApplier(fixture.targetSpec(), "half",
                BatchOptions.defaults().withLanes(LANES), Map.of());
        applier.open(fixture.protocolVersion());
        return applier;
    }

    /** The first key from {@code from} on whose change to {@code table} goes to {@code lane}. */
    private static int key(String table, int lane, int from) {
        int key = from;
        while (Coalescer.keyLane("public", table, Integer.toString(key), LANES) != lane) {
            key++;
        }
        return key;
    }

    /** Runs {@code sql} on the source as one transaction and waits until the handler made it durable; its end LSN. */
    private static long applyNextTransaction(ReplicationFixture fixture, ApplyHandler handler, String sql) throws Exception {
        long durable = handler.durableLsn();
        execute(fixture.source(), sql);
        fixture.deliverUntil(handler, MessageType.COMMIT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (handler.durableLsn() == durable) {
            assertThat(System.nanoTime()).as("the transaction applied within 60 s").isLessThan(deadline);
            handler.onIdle();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return handler.durableLsn();
    }

    /** Each lane's progress row (1-based lane to end LSN, commit LSN and source xid). */
    private static Map<Integer, String> progress(Connection target) throws Exception {
        Map<Integer, String> rows = new java.util.TreeMap<>();
        try (var statement = target.createStatement();
             var result = statement.executeQuery("SELECT lane, end_lsn || ' ' || commit_lsn || ' ' || source_xid"
                     + " FROM walferry.apply_progress WHERE pipeline = 'half'")) {
            while (result.next()) {
                rows.put(result.getInt(1), result.getString(2));
            }
        }
        assertThat(rows).hasSize(LANES);
        return rows;
    }

    /** Puts lane {@code lane}'s (0-based) progress row back where {@code before} had it. */
    private static void rewind(Connection target, int lane, Map<Integer, String> before) throws Exception {
        String[] row = before.get(lane + 1).split(" ");
        execute(target, "UPDATE walferry.apply_progress SET end_lsn = '" + row[0] + "', commit_lsn = '" + row[1]
                + "', source_xid = " + row[2] + " WHERE pipeline = 'half' AND lane = " + (lane + 1));
    }
}
