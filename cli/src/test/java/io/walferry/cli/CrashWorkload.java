package io.walferry.cli;

import io.walferry.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A write workload on the source for crash tests, bounded in time, on two connections at once:
 * <ul>
 *   <li>{@code oltp}: small transactions on the keyed table {@code accounts} (inserts, balance
 *       updates, deletes, key changes), a few identical rows appended to the keyless
 *       {@code REPLICA IDENTITY FULL} table {@code journal}, now and then a savepoint rolled back
 *       or the whole transaction rolled back;</li>
 *   <li>{@code bulk}: transactions of 2,000 to 6,000 row changes on {@code bulk} and
 *       {@code journal} (far past logical_decoding_work_mem, so the server streams them in
 *       progress, interleaved with the small ones), now and then with a subtransaction of 1,000
 *       rows rolled back, or rolled back whole.</li>
 * </ul>
 * Every committed transaction ends with {@code UPDATE counter SET n = n + 1}: the row lock orders
 * the commits, so {@code n} numbers them 1, 2, 3... in commit order. The {@link #ledger()} records,
 * per {@code n}, bounds on its commit's end LSN and its effect on row counts, so a test can tell
 * what the target must hold when it shows counter {@code n}.
 */
final class CrashWorkload implements AutoCloseable {
    static final String[] SCHEMA = {
        "CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL, note text)",
        "INSERT INTO accounts SELECT g, 0, 'initial' FROM generate_series(1, " + Effect.INITIAL_ACCOUNTS + ") g",
        "CREATE TABLE bulk (id bigint PRIMARY KEY, batch int NOT NULL, pad text)",
        "CREATE TABLE journal (txn bigint, origin text, pad text)",
        "ALTER TABLE journal REPLICA IDENTITY FULL",
        "CREATE TABLE counter (id int PRIMARY KEY, n bigint NOT NULL)",
        "INSERT INTO counter VALUES (1, 0)",
    };
    static final String[] TABLES = {"accounts", "bulk", "journal", "counter"};
    private static final int BULK_ROWS = 2_000;
    /** Keys of a bulk batch are {@code base + 1 .. base + BULK_ROWS}, bases a multiple of this apart. */
    private static final long BULK_KEY_SPACING = 10_000;

    /**
     * What a committed transaction (or everything up to one) did to the tables, as row counts and
     * the sum of balances.
     */
    record Effect(long accounts, long balance, long bulk, long journal) {
        static final long INITIAL_ACCOUNTS = 1_000;
        static final Effect NONE = new Effect(0, 0, 0, 0);
        static final Effect INITIAL = new Effect(INITIAL_ACCOUNTS, 0, 0, 0);

        Effect plus(Effect other) {
            return new Effect(accounts + other.accounts, balance + other.balance, bulk + other.bulk,
                    journal + other.journal);
        }
    }

    /**
     * A committed transaction: {@code lowerLsn < end LSN of its commit <= upperLsn}.
     *
     * @param n        the counter value it wrote
     * @param lowerLsn the insert position read inside it, after its last change
     * @param upperLsn the insert position read after its COMMIT returned
     * @param effect   what it changed
     */
    record Committed(long n, long lowerLsn, long upperLsn, Effect effect) {
        @Override
        public String toString() {
            return "transaction n=" + n + " (commit end LSN in (" + Lsn.format(lowerLsn) + ", "
                    + Lsn.format(upperLsn) + "])";
        }
    }

    private final SourceDatabase source;
    private final Duration duration;
    private final long seed;
    private final ConcurrentSkipListMap<Long, Committed> ledger = new ConcurrentSkipListMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile long deadlineNanos;
    private volatile boolean stopped;
    private final boolean survivesRestarts;
    private final java.util.concurrent.atomic.AtomicInteger reconnects = new java.util.concurrent.atomic.AtomicInteger();
    private long rolledBack;

    CrashWorkload(SourceDatabase source, Duration duration, long seed) {
        this(source, duration, seed, false);
    }

    /**
     * @param survivesRestarts when the source restarts, reconnect and go on (a transaction cut off
     *                         by the restart may or may not have committed: the ledger then lacks it,
     *                         so only whole-table comparisons hold)
     */
    CrashWorkload(SourceDatabase source, Duration duration, long seed, boolean survivesRestarts) {
        this.source = source;
        this.duration = duration;
        this.seed = seed;
        this.survivesRestarts = survivesRestarts;
    }

    /** How often a client reconnected after losing its connection to a restarting source. */
    int reconnects() {
        return reconnects.get();
    }

    void start() {
        deadlineNanos = System.nanoTime() + duration.toNanos();
        threads.add(new Thread(() -> run(new Oltp(new Random(seed + 1))), "crash-workload-oltp"));
        threads.add(new Thread(() -> run(new Bulk(new Random(seed + 2))), "crash-workload-bulk"));
        for (Thread thread : threads) {
            thread.setDaemon(true);
            thread.start();
        }
    }

    boolean running() {
        return threads.stream().anyMatch(Thread::isAlive) && failure.get() == null;
    }

    /** Waits for both connections to finish and rethrows what failed on them. */
    void awaitEnd() throws InterruptedException {
        for (Thread thread : threads) {
            thread.join(duration.toMillis() + 120_000);
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " still runs long after the workload's end");
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("the workload failed on the source", failure.get());
        }
    }

    /** Stops the workload early (a test that failed midway) and waits for its connections to close. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread thread : threads) {
            thread.join(60_000);
        }
    }

    /** Committed transactions by {@code n}. */
    NavigableMap<Long, Committed> ledger() {
        return ledger;
    }

    synchronized long rolledBack() {
        return rolledBack;
    }

    /**
     * What the tables hold after transaction {@code n}; waits (a little) for the workload threads to
     * record transactions that committed just before, since they record after COMMIT returns.
     */
    Effect effectUpTo(long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ledger.headMap(n, true).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the ledger lacks some of transactions 1.." + n + ": " + ledger.keySet());
            }
            Thread.sleep(5); // a thread between COMMIT and its ledger entry
        }
        Effect total = Effect.INITIAL;
        for (Committed committed : ledger.headMap(n, true).values()) {
            total = total.plus(committed.effect());
        }
        return total;
    }

    private void run(Client work) {
        while (!stopped && System.nanoTime() < deadlineNanos && failure.get() == null) {
            try (Connection sql = source.server.connect(source.name)) {
                sql.setAutoCommit(false);
                while (!stopped && System.nanoTime() < deadlineNanos && failure.get() == null) {
                    work.transaction(sql);
                }
            } catch (SQLException e) {
                if (!survivesRestarts || !isConnectionLoss(e)) {
                    failure.compareAndSet(null, e);
                    return;
                }
                reconnects.incrementAndGet();
                try {
                    Thread.sleep(100); // the server is restarting: there is nothing to wait on
                } catch (InterruptedException interrupted) {
                    return;
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                return;
            }
        }
    }

    /** Connection failures and shutdown or startup of the server (SQLSTATE 08..., 57P01-57P03). */
    private static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }

    /** One kind of client on one connection: runs one transaction, then paces itself. */
    private interface Client {
        void transaction(Connection sql) throws SQLException, InterruptedException;
    }

    /** Row-count and balance changes of the transaction being run, with savepoint snapshots. */
    private static final class Tally {
        long accounts;
        long balance;
        long bulk;
        long journal;

        Effect effect() {
            return new Effect(accounts, balance, bulk, journal);
        }

        void restore(Effect saved) {
            accounts = saved.accounts();
            balance = saved.balance();
            bulk = saved.bulk();
            journal = saved.journal();
        }
    }

    /**
     * Ends the transaction: counts it with the counter and commits, or rolls it back. The counter
     * comes last so that its row lock is held only for the commit.
     */
    private void finish(Connection sql, Tally tally, boolean rollback) throws SQLException {
        long n;
        long lower;
        try (Statement statement = sql.createStatement();
             ResultSet row = statement.executeQuery("UPDATE counter SET n = n + 1 WHERE id = 1"
                     + " RETURNING n, pg_current_wal_insert_lsn()::text")) {
            row.next();
            n = row.getLong(1);
            lower = Lsn.parse(row.getString(2));
        }
        if (rollback) {
            sql.rollback();
            synchronized (this) {
                rolledBack++;
            }
            return;
        }
        sql.commit();
        long upper;
        try (Statement statement = sql.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            row.next();
            upper = Lsn.parse(row.getString(1));
        }
        sql.commit();
        ledger.put(n, new Committed(n, lower, upper, tally.effect()));
    }

    private static int update(Connection sql, String query, long... values) throws SQLException {
        try (PreparedStatement statement = sql.prepareStatement(query)) {
            for (int i = 0; i < values.length; i++) {
                statement.setLong(i + 1, values[i]);
            }
            return statement.executeUpdate();
        }
    }

    /** Small transactions on accounts and journal. */
    private final class Oltp implements Client {
        private final Random random;
        private long nextId = Effect.INITIAL_ACCOUNTS + 1;
        private long txn;

        Oltp(Random random) {
            this.random = random;
        }

        @Override
        public void transaction(Connection sql) throws SQLException, InterruptedException {
            txn++;
            Tally tally = new Tally();
            int operations = 1 + random.nextInt(5);
            for (int i = 0; i < operations; i++) {
                operation(sql, tally);
            }
            if (random.nextInt(8) == 0) {
                Effect saved = tally.effect();
                try (Statement statement = sql.createStatement()) {
                    statement.execute("SAVEPOINT undone");
                    operation(sql, tally);
                    operation(sql, tally);
                    statement.execute("ROLLBACK TO SAVEPOINT undone");
                }
                tally.restore(saved);
            }
            finish(sql, tally, random.nextInt(20) == 0);
            Thread.sleep(2 + random.nextInt(6)); // pacing: the workload is a client, not a benchmark
        }

        private void operation(Connection sql, Tally tally) throws SQLException {
            long someId = 1 + (long) random.nextInt((int) nextId - 1);
            switch (random.nextInt(5)) {
                case 0 -> {
                    long balance = random.nextInt(1000);
                    int inserted = update(sql, "INSERT INTO accounts VALUES (?, ?, 'new')", nextId++, balance);
                    tally.accounts += inserted;
                    tally.balance += inserted * balance;
                }
                case 1 -> {
                    long delta = random.nextInt(201) - 100;
                    tally.balance += delta * update(sql, "UPDATE accounts SET balance = balance + ?, note = 'updated'"
                            + " WHERE id = ?", delta, someId);
                }
                case 2 -> {
                    long balance = balanceOf(sql, someId);
                    int deleted = update(sql, "DELETE FROM accounts WHERE id = ?", someId);
                    tally.accounts -= deleted;
                    tally.balance -= deleted * balance;
                }
                case 3 -> update(sql, "UPDATE accounts SET id = ? WHERE id = ?", nextId++, someId);
                default -> {
                    int rows = 1 + random.nextInt(3);
                    tally.journal += update(sql, "INSERT INTO journal SELECT ?, 'oltp', 'same'"
                            + " FROM generate_series(1, ?)", txn, rows);
                }
            }
        }

        private long balanceOf(Connection sql, long id) throws SQLException {
            try (PreparedStatement statement = sql.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
                statement.setLong(1, id);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? row.getLong(1) : 0;
                }
            }
        }
    }

    /** Large transactions on bulk and journal, streamed by the server while in progress. */
    private final class Bulk implements Client {
        private final Random random;
        private final List<Long> liveBases = new ArrayList<>();
        private long nextBase;
        private int batch;

        Bulk(Random random) {
            this.random = random;
        }

        @Override
        public void transaction(Connection sql) throws SQLException, InterruptedException {
            batch++;
            Tally tally = new Tally();
            List<Long> bases = new ArrayList<>(liveBases);
            int operations = 1 + random.nextInt(3);
            for (int i = 0; i < operations; i++) {
                operation(sql, tally, bases);
            }
            if (random.nextInt(4) == 0) {
                Effect saved = tally.effect();
                List<Long> savedBases = new ArrayList<>(bases);
                try (Statement statement = sql.createStatement()) {
                    statement.execute("SAVEPOINT undone");
                    insertBatch(sql, tally, bases);
                    tally.journal += update(sql, "INSERT INTO journal SELECT ?, 'bulk undone', 'same'"
                            + " FROM generate_series(1, 1000)", batch);
                    statement.execute("ROLLBACK TO SAVEPOINT undone");
                }
                tally.restore(saved);
                bases = savedBases;
            }
            boolean rollback = random.nextInt(8) == 0;
            finish(sql, tally, rollback);
            if (!rollback) {
                liveBases.clear();
                liveBases.addAll(bases);
            }
            Thread.sleep(100 + random.nextInt(300)); // pacing
        }

        private void operation(Connection sql, Tally tally, List<Long> bases) throws SQLException {
            int kind = bases.isEmpty() ? 0 : random.nextInt(5);
            switch (kind) {
                case 0 -> insertBatch(sql, tally, bases);
                case 1 -> {
                    long base = bases.get(random.nextInt(bases.size()));
                    update(sql, "UPDATE bulk SET pad = 'updated ' || ? WHERE id > ? AND id <= ?", batch, base,
                            base + BULK_ROWS);
                }
                case 2 -> {
                    long base = bases.remove(random.nextInt(bases.size()));
                    tally.bulk -= update(sql, "DELETE FROM bulk WHERE id > ? AND id <= ?", base, base + BULK_ROWS);
                }
                case 3 -> {
                    // Every key of a batch moves to a fresh range: key changes by the thousand.
                    long base = bases.remove(random.nextInt(bases.size()));
                    long moved = nextBase += BULK_KEY_SPACING;
                    update(sql, "UPDATE bulk SET id = id - ? + ? WHERE id > ? AND id <= ?", base, moved, base,
                            base + BULK_ROWS);
                    bases.add(moved);
                }
                default -> tally.journal += update(sql, "INSERT INTO journal SELECT ?, 'bulk', 'same'"
                        + " FROM generate_series(1, ?)", batch, BULK_ROWS);
            }
        }

        private void insertBatch(Connection sql, Tally tally, List<Long> bases) throws SQLException {
            long base = nextBase += BULK_KEY_SPACING;
            tally.bulk += update(sql, "INSERT INTO bulk SELECT ? + g, ?, md5(g::text) FROM generate_series(1, ?) g",
                    base, batch, BULK_ROWS);
            bases.add(base);
        }
    }
}
