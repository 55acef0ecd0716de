package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code walferry replicate} end to end: a backlog of changes reaches the target exactly. */
class ReplicateCommandIT {
    private static final String[] SCHEMA = {
        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE orders (id int PRIMARY KEY, note text, price numeric(10,2), tags text[], at timestamptz, doc jsonb,"
                + " m mood, big text)",
        "ALTER TABLE orders ALTER COLUMN big SET STORAGE EXTERNAL",
        "CREATE TABLE events (v int, note text)",
        "ALTER TABLE events REPLICA IDENTITY FULL",
        "CREATE TABLE bulk (id int PRIMARY KEY, pad text)",
    };

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17", "14, 17", "17, 14", "18, 17"})
    void shouldApplyABacklogExactlyAndExitWhenCaughtUp(int sourceVersion, int targetVersion) throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(sourceVersion, targetVersion), "replicate", "it_backlog")) {
            pair.schema(SCHEMA);
            CommandRun created = CommandRun.run(pair.replicate("--exit-when-caught-up"));
            assertThat(created.exitCode()).as(created.toString()).isZero();

            pair.source.execute(
                    "INSERT INTO orders VALUES (1, 'first', 9.50, '{a,\"b c\"}', '2024-01-02 03:04:05+00', '{\"k\": [1]}',"
                            + " 'happy', repeat('x', 5000)), (2, 'second', NULL, NULL, 'infinity', NULL, 'ok', 'small')",
                    "UPDATE orders SET note = 'first again' WHERE id = 1",
                    "UPDATE orders SET id = 3 WHERE id = 2",
                    "INSERT INTO events VALUES (1, 'dup'), (1, 'dup'), (2, 'single')",
                    "UPDATE events SET note = 'changed' WHERE ctid = (SELECT ctid FROM events WHERE v = 1 LIMIT 1)",
                    "DELETE FROM events WHERE v = 2",
                    "BEGIN",
                    "INSERT INTO bulk SELECT g, repeat('p', 50) FROM generate_series(1, 3000) g",
                    "SAVEPOINT s",
                    "DELETE FROM bulk WHERE id <= 1000",
                    "ROLLBACK TO SAVEPOINT s",
                    "UPDATE bulk SET pad = 'updated' WHERE id % 7 = 0",
                    "COMMIT",
                    "BEGIN",
                    "INSERT INTO bulk SELECT g, 'aborted' FROM generate_series(5001, 8000) g",
                    "ROLLBACK",
                    "DELETE FROM bulk WHERE id > 2990");
            CommandRun caughtUp = CommandRun.run(pair.replicate("--exit-when-caught-up"));

            assertThat(caughtUp.exitCode()).as(caughtUp.toString()).isZero();
            pair.assertSameRows("orders", "events", "bulk");
            assertThat(ReplicaPair.rows(pair.target, "bulk")).hasSize(2990);
            assertThat(pair.target.count("SELECT count(*) FROM orders WHERE length(big) = 5000")).isEqualTo(1);

            pair.source.execute("TRUNCATE bulk", "INSERT INTO bulk VALUES (1, 'after truncate')");
            CommandRun again = CommandRun.run(pair.replicate("--exit-when-caught-up"));
            assertThat(again.exitCode()).as(again.toString()).isZero();
            pair.assertSameRows("orders", "events", "bulk");
        }
    }

    @Test
    void shouldStopWithExitCode6NamingTheTableWhenTheTargetLacksIt() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "replicate_missing", "it_missing")) {
            pair.schema("CREATE TABLE present (id int PRIMARY KEY)");
            pair.source.execute("CREATE TABLE absent (id int PRIMARY KEY)");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            pair.source.execute("INSERT INTO present VALUES (1)", "INSERT INTO absent VALUES (1)");

            // Transactional: what committed before the failing transaction is applied (a batch holds both).
            CommandRun run = CommandRun.run(pair.replicate("--apply-mode", "transactional", "--exit-when-caught-up"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.TARGET_ERROR);
            assertThat(run.stderr()).contains("absent");
            assertThat(ReplicaPair.rows(pair.target, "present")).containsExactly("(1)");
        }
    }

    @Test
    void shouldRefuseToReplaceTheSlotOfAPipelineThatLostIt() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "replicate_lost", "it_lost")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            pair.source.execute("INSERT INTO t VALUES (1)",
                    "SELECT pg_drop_replication_slot('walferry_it_lost')",
                    "INSERT INTO t VALUES (2)");

            CommandRun run = CommandRun.run(pair.replicate("--exit-when-caught-up"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
            assertThat(run.stderr()).contains("walferry_it_lost");
            assertThat(pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_lost'"))
                    .as("no new slot was created").isZero();
        }
    }

    /**
     * A source that was itself a walferry target has schema walferry, and a publication FOR ALL
     * TABLES carries its changes: they are never applied (they would overwrite the target's own state).
     */
    @Test
    void shouldNeverApplyChangesToWalferrysOwnSchema() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "replicate_state", "it_state")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            pair.source.execute("CREATE SCHEMA walferry", "CREATE TABLE walferry.apply_progress (pipeline text, lane int,"
                    + " end_lsn pg_lsn, commit_lsn pg_lsn, source_xid bigint, applied_at timestamptz, PRIMARY KEY (pipeline, lane))");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            pair.source.execute("INSERT INTO walferry.apply_progress VALUES ('it_state', 0, 'FFFFFFFF/0', '0/0', 1, now())",
                    "INSERT INTO t VALUES (1)", "TRUNCATE walferry.apply_progress");

            CommandRun run = CommandRun.run(pair.replicate("--exit-when-caught-up"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            pair.assertSameRows("t");
            assertThat(pair.target.count("SELECT count(*) FROM walferry.apply_progress WHERE pipeline = 'it_state'"
                    + " AND end_lsn = 'FFFFFFFF/0'")).as("the target's own progress rows, untouched").isZero();
            assertThat(pair.target.count("SELECT count(*) FROM walferry.apply_progress WHERE pipeline = 'it_state'"))
                    .isPositive();
        }
    }

    /**
     * {@code --max-slot-wal}: a slot that holds more WAL than allowed (walferry was stopped while the
     * source wrote) stops replication and keeps the slot with {@code stop}, drops it and marks the
     * pipeline with {@code drop}; a later run then says the pipeline needs a new full load.
     */
    @Test
    void shouldStopOrDropTheSlotWhenItHoldsMoreWalThanAllowed() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "replicate_slot_limit", "it_slot_limit")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY, pad text)");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            pair.source.execute("INSERT INTO t SELECT g, repeat('w', 500) FROM generate_series(1, 8000) g");

            CommandRun warned = CommandRun.run(pair.replicate("--max-slot-wal", "64MB", "--exit-when-caught-up"));
            assertThat(warned.exitCode()).as("under the limit: %s", warned).isZero();
            pair.source.execute("INSERT INTO t SELECT g, repeat('w', 500) FROM generate_series(8001, 16000) g");

            CommandRun stopped = CommandRun.run(pair.replicate("--max-slot-wal", "1MB", "--on-slot-limit", "stop",
                    "--exit-when-caught-up"));
            assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.SLOT_LIMIT);
            assertThat(stopped.stderr()).contains("replication slot walferry_it_slot_limit made the source keep")
                    .contains("over --max-slot-wal (1.0 MB)").contains("the slot stays");
            assertThat(slotCount(pair)).isEqualTo(1);
            assertThat(pair.target.count("SELECT count(*) FROM t")).as("nothing applied after the stop").isEqualTo(8000);

            CommandRun dropped = CommandRun.run(pair.replicate("--max-slot-wal", "1MB", "--on-slot-limit", "drop",
                    "--exit-when-caught-up"));
            assertThat(dropped.exitCode()).as(dropped.toString()).isEqualTo(ExitCodes.SLOT_LIMIT);
            assertThat(dropped.stderr()).contains("the slot was dropped (--on-slot-limit drop)");
            assertThat(slotCount(pair)).isZero();

            CommandRun after = CommandRun.run(pair.replicate("--exit-when-caught-up"));
            assertThat(after.exitCode()).as(after.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
            assertThat(after.stderr()).contains("lost its replication slot walferry_it_slot_limit")
                    .contains("Start over with a new full load");
            assertThat(slotCount(pair)).as("no new slot").isZero();
        }
    }

    private static long slotCount(ReplicaPair pair) throws Exception {
        return pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_slot_limit'");
    }

    /**
     * The server invalidates the slot (max_slot_wal_keep_size exceeded while walferry is stopped):
     * walferry stops with exit 4, says so, and creates no new slot. The setting is server-wide, so
     * the test sets it only for as long as it takes to invalidate this slot, and resets it.
     */
    @Test
    void shouldStopWithExitCode4WhenTheServerInvalidatedTheSlot() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "replicate_invalid", "it_invalid")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY, pad text)");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            try {
                pair.source.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'", "SELECT pg_reload_conf()");
                for (int round = 0; round < 20 && pair.source.count("SELECT count(*) FROM pg_replication_slots"
                        + " WHERE slot_name = 'walferry_it_invalid' AND wal_status = 'lost'") == 0; round++) {
                    pair.source.execute("INSERT INTO t SELECT g, repeat('w', 500) FROM generate_series("
                            + (round * 5000 + 1) + ", " + (round * 5000 + 5000) + ") g", "SELECT pg_switch_wal()",
                            "CHECKPOINT");
                }
            } finally {
                pair.source.execute("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
            }
            assertThat(pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_invalid'"
                    + " AND wal_status = 'lost'")).as("the server invalidated the slot").isEqualTo(1);

            CommandRun run = CommandRun.run(pair.replicate("--exit-when-caught-up"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
            assertThat(run.stderr()).contains("replication slot walferry_it_invalid").contains("was invalidated by the"
                    + " server").contains("pg_drop_replication_slot('walferry_it_invalid')");
        }
    }

    @Test
    void shouldNarrowThePublicationToTheTablesOfEachRunAndRefuseToWidenIt() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "replicate_pubs", "it_pubs")) {
            pair.schema("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)",
                    "CREATE TABLE c (id int PRIMARY KEY)");
            assertThat(CommandRun.run(pair.replicate("--tables", "a,b", "--exit-when-caught-up")).exitCode()).isZero();
            pair.source.execute("INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (1)", "INSERT INTO c VALUES (1)");

            CommandRun widened = CommandRun.run(pair.replicate("--tables", "a,b,c", "--exit-when-caught-up"));
            assertThat(widened.exitCode()).as(widened.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(widened.stderr()).contains("\"public\".\"c\" matches --tables [a, b, c] but is"
                    + " not in publication walferry_it_pubs")
                    .contains("Copy its rows to the target, then run ALTER PUBLICATION \"walferry_it_pubs\" ADD TABLE"
                            + " \"public\".\"c\" on the source and start walferry again; or leave it out with --exclude");
            assertThat(publishedTables(pair)).isEqualTo(2);

            CommandRun narrowed = CommandRun.run(pair.replicate("--tables", "a", "--exit-when-caught-up"));
            assertThat(narrowed.exitCode()).as(narrowed.toString()).isZero();
            assertThat(publishedTables(pair)).isEqualTo(1);
            pair.assertSameRows("a", "b");
            pair.source.execute("INSERT INTO a VALUES (2)", "INSERT INTO b VALUES (2)");
            assertThat(CommandRun.run(pair.replicate("--tables", "a", "--exit-when-caught-up")).exitCode()).isZero();
            pair.assertSameRows("a");
            assertThat(ReplicaPair.rows(pair.target, "b")).as("b, no longer published, keeps its rows").containsExactly("(1)");
            assertThat(ReplicaPair.rows(pair.target, "c")).isEmpty();

            CommandRun all = CommandRun.run(pair.replicate("--exit-when-caught-up"));
            assertThat(all.exitCode()).as(all.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(all.stderr()).contains("publication walferry_it_pubs on").contains("publishes 1 tables (FOR TABLE),"
                    + " but this run has no --tables or --exclude, which asks for all tables");
        }
    }

    private static long publishedTables(ReplicaPair pair) throws Exception {
        return pair.source.count("SELECT count(*) FROM pg_publication_tables WHERE pubname = 'walferry_it_pubs'");
    }

    @Test
    void shouldRefuseAnUnknownApplyModeAndLanesWithoutTheBatchedMode() {
        CommandRun unknown = CommandRun.run("replicate", "--source", "postgresql://a@h/db", "--target",
                "postgresql://a@h/db", "--apply-mode", "fast");
        CommandRun lanes = CommandRun.run("replicate", "--source", "postgresql://a@h/db", "--target",
                "postgresql://a@h/db", "--apply-mode", "transactional", "--apply-lanes", "4");
        CommandRun tooMany = CommandRun.run("replicate", "--source", "postgresql://a@h/db", "--target",
                "postgresql://a@h/db", "--apply-lanes", "65");

        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.stderr()).contains("--apply-mode fast is not an apply mode (expected: batched, or transactional)");
        assertThat(lanes.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(lanes.stderr()).contains("--apply-lanes applies to --apply-mode batched only");
        assertThat(tooMany.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooMany.stderr()).contains("--apply-lanes 65 is out of range (expected: 1 to 64)");
    }
}
