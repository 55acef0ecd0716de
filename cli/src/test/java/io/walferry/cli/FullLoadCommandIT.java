package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code walferry replicate} of a live source into an empty target: the full load runs while a
 * writer keeps changing the source, streaming takes over at the slot's consistent point, and in the
 * end the target equals the source, row for row; also when walferry is killed (SIGKILL) in the
 * middle of the load and started again.
 */
class FullLoadCommandIT {
    private static final String[] SCHEMA = {
        "CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, note text)",
        "CREATE TABLE events (id bigserial PRIMARY KEY, item bigint REFERENCES items ON DELETE SET NULL,"
                + " at timestamptz DEFAULT now())",
    };
    private static final String SEED = "INSERT INTO items SELECT i, i %% 1000, repeat('n', 50) || i"
            + " FROM generate_series(1, %d) i";
    private static final Duration AWAIT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}, --schema {2}")
    @CsvSource({"17, 17, copy", "14, 17, existing", "17, 18, copy"})
    void shouldHandOffFromTheCopyToTheStreamWithoutLosingOrDoublingAChange(int sourceVersion, int targetVersion,
                                                                         String schemaMode) throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(sourceVersion, targetVersion), "load",
                "it_load_" + schemaMode);
             Writer writer = new Writer(pair.source, 50_000)) {
            if (schemaMode.equals("existing")) {
                pair.schema(SCHEMA);
            } else {
                pair.source.execute(SCHEMA);
            }
            pair.source.execute(String.format(SEED, 50_000));
            writer.start();
            writer.awaitTransactions(50);
            CommandRun loaded = CommandRun.run(pair.replicateWithLoad("--schema", schemaMode, "--jobs", "2",
                    "--split-tables-larger-than", "1MB", "--exit-when-caught-up"));
            assertThat(loaded.exitCode()).as(loaded.toString()).isZero();
            writer.awaitTransactions(writer.transactions() + 50);
            writer.close();

            CommandRun caughtUp = CommandRun.run(pair.replicateWithLoad("--exit-when-caught-up"));
            assertThat(caughtUp.exitCode()).as(caughtUp.toString()).isZero();
            pair.assertSameRows("items", "events");
            assertThat(pair.target.count("SELECT count(*) FROM walferry.load_state WHERE phase = 'done'")).isEqualTo(1);
            assertThat(pair.target.count("SELECT count(*) FROM walferry.load_tables WHERE source_rows = target_rows"
                    + " AND snapshot_lsn = (SELECT slot_lsn FROM walferry.load_state)")).isEqualTo(2);
            assertThat(pair.target.count("SELECT count(*) FROM pg_indexes WHERE tablename IN ('items', 'events')"))
                    .as("primary keys on the target").isEqualTo(2);
            assertThat(pair.target.count("SELECT count(*) FROM walferry.apply_progress WHERE end_lsn <="
                    + " (SELECT slot_lsn FROM walferry.load_state)")).as("every lane streamed past the load's snapshot")
                    .isZero();
            assertThat(pair.target.count("SELECT count(*) FROM walferry.apply_progress")).isPositive();
        }
    }

    /**
     * SIGKILL during the load, twice, with the schema copied by walferry: the resumed load copies the
     * unfinished tables, and the finished ones linked to them by foreign keys, under a later snapshot,
     * so the foreign key validates; then the stream makes the target equal to the source.
     */
    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17"})
    void shouldResumeAKilledLoadExactly(int sourceVersion, int targetVersion) throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(sourceVersion, targetVersion), "loadkill", "it_loadkill");
             Writer writer = new Writer(pair.source, 300_000)) {
            pair.source.execute(SCHEMA);
            pair.source.execute(String.format(SEED, 300_000));
            writer.start();
            int kills = 0;
            for (int attempt = 0; attempt < 2; attempt++) {
                try (WalferryProcess child = WalferryProcess.start(List.of(), pair.replicateWithLoad("--jobs", "2",
                        "--split-tables-larger-than", "2MB"))) {
                    awaitLoadInData(pair, child);
                    // The first kill lands right as the copy starts; the second one anywhere in the load.
                    Thread.sleep(attempt == 0 ? 0 : new Random().nextInt(400));
                    if (child.isAlive()) {
                        assertThat(child.kill()).isEqualTo(WalferryProcess.SIGKILL_EXIT);
                        kills++;
                    }
                }
                awaitSlotReleased(pair);
            }
            writer.awaitTransactions(writer.transactions() + 50);
            writer.close();
            CommandRun finished = CommandRun.run(pair.replicateWithLoad("--jobs", "2", "--exit-when-caught-up"));
            assertThat(finished.exitCode()).as(finished.toString()).isZero();
            pair.assertSameRows("items", "events");
            assertThat(kills).as("kills during the load").isPositive();
            assertThat(pair.target.count("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated"))
                    .as("the foreign key, validated").isEqualTo(1);
            assertThat(pair.target.count("SELECT count(*) FROM walferry.load_tables WHERE snapshot_lsn >"
                    + " (SELECT slot_lsn FROM walferry.load_state)")).as("tables copied again under a later snapshot")
                    .isPositive();
        }
    }

    /** Waits until the child's load is copying (phase data) or beyond. */
    private static void awaitLoadInData(ReplicaPair pair, WalferryProcess child) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (pair.target.count("SELECT count(pg_catalog.to_regclass('walferry.load_state'))") > 0
                    && pair.target.count("SELECT count(*) FROM walferry.load_state WHERE phase <> 'schema'") > 0) {
                return;
            }
            Thread.sleep(20);
        }
        assertThat(child.isAlive()).as("walferry ended before its load reached the data phase\n%s", child.log()).isTrue();
    }

    private static void awaitSlotReleased(ReplicaPair pair) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'walferry_it_loadkill%'"
                    + " AND active") == 0) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /** Random updates, inserts and deletes of items, and inserts of events, one transaction at a time. */
    private static final class Writer implements AutoCloseable {
        private final SourceDatabase db;
        private final long initialItems;
        private final AtomicLong transactions = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopped;
        private Thread thread;

        Writer(SourceDatabase db, long initialItems) {
            this.db = db;
            this.initialItems = initialItems;
        }

        void start() {
            thread = new Thread(this::run, "load-it-writer");
            thread.start();
        }

        long transactions() {
            return transactions.get();
        }

        void awaitTransactions(long count) throws InterruptedException {
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (transactions.get() < count && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(failure.get()).as("the writer failed").isNull();
            assertThat(transactions.get()).as("writer transactions").isGreaterThanOrEqualTo(count);
        }

        private void run() {
            Random random = new Random(42);
            long nextId = initialItems + 1;
            try (Connection sql = db.server.connect(db.name)) {
                sql.setAutoCommit(false);
                try (PreparedStatement update = sql.prepareStatement("UPDATE items SET v = v + 1, note = note || '.' WHERE id = ?");
                     PreparedStatement insert = sql.prepareStatement("INSERT INTO items VALUES (?, 7, 'new')");
                     PreparedStatement delete = sql.prepareStatement("DELETE FROM items WHERE id = ?");
                     PreparedStatement event = sql.prepareStatement("INSERT INTO events (item) SELECT id FROM items WHERE id = ?")) {
                    while (!stopped) {
                        for (int i = 0; i < 3; i++) {
                            long id = 1 + (long) random.nextInt((int) (nextId - 1));
                            switch (random.nextInt(4)) {
                                case 0 -> {
                                    insert.setLong(1, nextId++);
                                    insert.executeUpdate();
                                }
                                case 1 -> {
                                    delete.setLong(1, id);
                                    delete.executeUpdate();
                                }
                                default -> {
                                    update.setLong(1, id);
                                    update.executeUpdate();
                                }
                            }
                            event.setLong(1, id);
                            event.executeUpdate();
                        }
                        sql.commit();
                        transactions.incrementAndGet();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                failure.set(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            if (thread != null) {
                thread.join();
            }
            assertThat(failure.get()).as("the writer failed").isNull();
        }
    }
}
