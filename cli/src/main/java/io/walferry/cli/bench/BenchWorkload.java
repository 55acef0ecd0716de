package io.walferry.cli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The bench's load generator: {@link Workload} transactions against {@link BenchTables} on the
 * source, from one or more clients, each on its own connection and thread, until a number of
 * transactions is written or a time is up, optionally at a fixed total rate.
 *
 * <p>{@link #run} runs on the caller's thread and waits for the clients; {@link #requestStop()} and
 * {@link #counts()} may be called from any thread.
 */
public final class BenchWorkload {
    /** A delta is drawn from -MAX_DELTA to MAX_DELTA, both included, as in pgbench's built-in scripts. */
    static final int MAX_DELTA = 5000;

    private final Workload workload;
    private final long accounts;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private volatile boolean stopRequested;

    /**
     * What the workload wrote: committed transactions, and the rows they inserted or updated.
     *
     * @param transactions committed transactions
     * @param rows         rows inserted or updated by them
     * @param seconds      from the first client's start until the last one finished
     */
    public record Counts(long transactions, long rows, double seconds) {
    }

    public BenchWorkload(Workload workload, long accounts) {
        this.workload = workload;
        this.accounts = accounts;
    }

    /**
     * Writes on every connection of {@code clients} at once (auto-commit is turned off on them)
     * until {@code totalTransactions} are committed (0: no limit) or {@code durationNanos} have
     * passed (0: no limit) or a stop is requested.
     *
     * @param ratePerSecond transactions per second over all clients, 0 for as fast as they go
     */
    public Counts run(List<Connection> clients, long totalTransactions, long durationNanos, double ratePerSecond)
            throws SQLException, InterruptedException {
        long started = System.nanoTime();
        long deadline = durationNanos > 0 ? started + durationNanos : 0;
        List<FutureTask<Void>> tasks = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            long quota = totalTransactions <= 0 ? 0
                    : totalTransactions / clients.size() + (i < totalTransactions % clients.size() ? 1 : 0);
            if (totalTransactions > 0 && quota == 0) {
                continue;
            }
            long intervalNanos = ratePerSecond > 0 ? Math.round(1e9 * clients.size() / ratePerSecond) : 0;
            Client client = new Client(clients.get(i), quota, deadline, intervalNanos, 0x5EED + i);
            FutureTask<Void> task = new FutureTask<>(client, null);
            Thread thread = new Thread(task, "walferry-bench-client-" + (i + 1));
            tasks.add(task);
            threads.add(thread);
            thread.start();
        }
        try {
            for (FutureTask<Void> task : tasks) {
                task.get();
            }
        } catch (ExecutionException e) {
            requestStop();
            if (e.getCause() instanceof WorkloadFailure failure) {
                throw failure.getCause();
            }
            throw new IllegalStateException("a workload client failed", e.getCause());
        } finally {
            requestStopUnlessDone(tasks);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        return new Counts(transactions.get(), rows.get(), (System.nanoTime() - started) / 1e9);
    }

    /** A caller interrupted while waiting leaves no client writing on. */
    private void requestStopUnlessDone(List<FutureTask<Void>> tasks) {
        for (FutureTask<Void> task : tasks) {
            if (!task.isDone()) {
                requestStop();
            }
        }
    }

    /** Ends {@link #run} after each client's transaction in flight; returns at once. */
    public void requestStop() {
        stopRequested = true;
    }

    /** What was written so far (seconds 0). */
    public Counts counts() {
        return new Counts(transactions.get(), rows.get(), 0);
    }

    /** One client: its connection, its share of the transactions, its own random numbers. */
    private final class Client implements Runnable {
        private final Connection sql;
        private final long quota;
        private final long deadline;
        private final long intervalNanos;
        private final SplittableRandom random;

        Client(Connection sql, long quota, long deadline, long intervalNanos, long seed) {
            this.sql = sql;
            this.quota = quota;
            this.deadline = deadline;
            this.intervalNanos = intervalNanos;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public void run() {
            try {
                write();
            } catch (SQLException e) {
                throw new WorkloadFailure(e);
            }
        }

        private void write() throws SQLException {
            sql.setAutoCommit(false);
            try (PreparedStatement update = sql.prepareStatement(updateSql(workload));
                 PreparedStatement insert = sql.prepareStatement(insertSql(workload, accounts))) {
                long next = System.nanoTime();
                for (long done = 0; (quota == 0 || done < quota) && !stopRequested; done++) {
                    if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                        break;
                    }
                    long written = transaction(update, insert);
                    sql.commit();
                    rows.addAndGet(written);
                    transactions.incrementAndGet();
                    if (intervalNanos > 0) {
                        next += intervalNanos;
                        LockSupport.parkNanos(next - System.nanoTime());
                    }
                }
            } finally {
                if (!sql.getAutoCommit()) {
                    sql.rollback();
                    sql.setAutoCommit(true);
                }
            }
        }

        /** One transaction's statements; returns the rows they wrote. */
        private long transaction(PreparedStatement update, PreparedStatement insert) throws SQLException {
            switch (workload) {
                case OLTP -> {
                    int aid = 1 + (int) random.nextLong(accounts);
                    int delta = random.nextInt(-MAX_DELTA, MAX_DELTA + 1);
                    update.setInt(1, delta);
                    update.setInt(2, aid);
                    try (ResultSet balance = update.executeQuery()) {
                        balance.next();
                    }
                    insert.setInt(1, aid);
                    insert.setInt(2, delta);
                    return 1 + insert.executeUpdate();
                }
                case BULK_UPDATE -> {
                    return update.executeUpdate();
                }
                default -> {
                    insert.setLong(1, random.nextLong(accounts));
                    insert.setInt(2, random.nextInt(-MAX_DELTA, MAX_DELTA + 1));
                    return insert.executeUpdate();
                }
            }
        }
    }

    /**
     * The UPDATE of {@code workload}'s transaction: {@code oltp}: parameters delta, aid (the row's new
     * balance returned, as pgbench's built-in scripts read it back); {@code bulk-update}: none. Unused by {@code inserts}.
     * The pgbench script of {@link PgbenchWorkload} is made of the same text.
     */
    static String updateSql(Workload workload) {
        return workload == Workload.BULK_UPDATE
                ? "UPDATE " + BenchTables.ACCOUNTS + " SET abalance = abalance + 1"
                : "UPDATE " + BenchTables.ACCOUNTS + " SET abalance = abalance + ? WHERE aid = ? RETURNING abalance";
    }

    /**
     * The INSERT of {@code workload}'s transaction: {@code inserts}: parameters a base from 0 to
     * {@code accounts - 1} (spreading the rows over the accounts) and delta; {@code oltp}: aid, delta.
     * Unused by {@code bulk-update}.
     */
    static String insertSql(Workload workload, long accounts) {
        return workload == Workload.INSERTS
                ? "INSERT INTO " + BenchTables.HISTORY + " (aid, delta, mtime) SELECT 1 + (CAST(? AS bigint) + g * 7919)"
                        + " % " + accounts + ", ?, localtimestamp FROM pg_catalog.generate_series(1, "
                        + BenchTables.ROWS_PER_INSERT + ") g"
                : "INSERT INTO " + BenchTables.HISTORY + " (aid, delta, mtime) VALUES (?, ?, localtimestamp)";
    }

    /** Carries a client's SQLException out of its thread. */
    private static final class WorkloadFailure extends RuntimeException {
        WorkloadFailure(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
