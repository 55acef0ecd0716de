package io.walferry.cli.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's sample shop: a schema of customers, products and orders (an enum, identity columns,
 * numeric, jsonb, arrays, timestamps, a foreign key, secondary indexes) with a few thousand rows,
 * and a live write workload at a steady rate: new orders, status changes, new customers, deleted
 * orders, and a last transaction that reprices every product at once.
 *
 * <p>{@link #run} runs on the workload's own thread; {@link #requestStop()} and the counts may be
 * read from any thread.
 */
public final class ShopWorkload {
    /** The tables {@link #createSchema} creates. */
    public static final int TABLES = 3;
    /** Rows created by {@link #createSchema}: enough for a visible load, little enough for a one-minute demo. */
    private static final int PRODUCTS = 200;
    private static final int CUSTOMERS = 2_000;
    private static final int ORDERS = 8_000;

    private static final String[] SCHEMA = {
        "CREATE SCHEMA shop",
        "CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled')",
        "CREATE TABLE shop.customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " email text NOT NULL UNIQUE, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE shop.products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, tags text[])",
        "CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " customer_id bigint NOT NULL REFERENCES shop.customers, status shop.order_status NOT NULL DEFAULT 'new',"
                + " total numeric(12,2) NOT NULL, details jsonb, created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE INDEX orders_status ON shop.orders (status, id)",
        "CREATE INDEX orders_customer ON shop.orders (customer_id)",
        "INSERT INTO shop.products SELECT g, 'product ' || g, round((1 + g % 97 * 1.37)::numeric, 2),"
                + " CASE g % 3 WHEN 0 THEN '{kitchen}'::text[] WHEN 1 THEN '{kitchen,tea}' END"
                + " FROM generate_series(1, " + PRODUCTS + ") g",
        "INSERT INTO shop.customers (email, name, created_at) SELECT 'customer' || g || '@example.org', 'Customer ' || g,"
                + " '2026-01-01'::timestamptz + g * interval '1 hour' FROM generate_series(1, " + CUSTOMERS + ") g",
        "INSERT INTO shop.orders (customer_id, status, total, details, created_at) SELECT 1 + g % " + CUSTOMERS + ","
                + " (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + g % 4]::shop.order_status, p.price * (1 + g % 3),"
                + " jsonb_build_object('product', p.name, 'quantity', 1 + g % 3),"
                + " '2026-01-01'::timestamptz + g * interval '10 minutes'"
                + " FROM generate_series(1, " + ORDERS + ") g JOIN shop.products p ON p.id = 1 + g % " + PRODUCTS,
        "ANALYZE shop.products, shop.customers, shop.orders",
    };

    /**
     * What the workload wrote; only transactions that changed rows count.
     *
     * @param transactions committed transactions
     * @param changes      rows inserted, updated or deleted by them
     */
    public record Counts(long transactions, long changes) {
    }

    private final Random random = new Random(42);
    private volatile boolean stopRequested;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private long customersAdded;

    /** Creates the shop schema and its rows; returns how many rows it holds. */
    public static long createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : SCHEMA) {
                statement.execute(sql);
            }
        }
        return PRODUCTS + CUSTOMERS + ORDERS;
    }

    /**
     * Writes at about {@code transactionsPerSecond} for {@code seconds} or until {@link #requestStop()},
     * then the closing transaction; returns what it wrote.
     */
    public Counts run(Connection connection, int seconds, int transactionsPerSecond) throws SQLException {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, transactionsPerSecond);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long next = System.nanoTime();
        while (!stopRequested && next - end < 0) {
            oneTransaction(connection);
            next += intervalNanos;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        try (Statement statement = connection.createStatement()) {
            count(statement.executeUpdate("UPDATE shop.products SET price = round(price * 1.05, 2)"));
        }
        return counts();
    }

    /** Ends {@link #run} after the transaction in flight and the closing one; returns at once. */
    public void requestStop() {
        stopRequested = true;
    }

    /** What was written so far. */
    public Counts counts() {
        return new Counts(transactions.get(), changes.get());
    }

    /** One transaction (autocommit): mostly new orders and status changes, some new customers and deletions. */
    private void oneTransaction(Connection connection) throws SQLException {
        int dice = random.nextInt(10);
        if (dice < 5) {
            count(newOrder(connection));
        } else if (dice < 8) {
            count(advanceOrder(connection));
        } else if (dice < 9) {
            count(newCustomer(connection));
        } else {
            try (Statement statement = connection.createStatement()) {
                count(statement.executeUpdate("DELETE FROM shop.orders WHERE id = (SELECT min(id) FROM shop.orders"
                        + " WHERE status = 'cancelled')"));
            }
        }
    }

    /** A transaction that changed nothing (no order in the status to advance, say) commits nothing to stream. */
    private void count(int rows) {
        if (rows > 0) {
            changes.addAndGet(rows);
            transactions.incrementAndGet();
        }
    }

    private int newCustomer(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO shop.customers (email, name) VALUES (?, ?)")) {
            long n = CUSTOMERS + ++customersAdded;
            insert.setString(1, "customer" + n + "@example.org");
            insert.setString(2, "Customer " + n);
            return insert.executeUpdate();
        }
    }

    private int newOrder(Connection connection) throws SQLException {
        int quantity = 1 + random.nextInt(3);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO shop.orders (customer_id, total, details) SELECT ?, p.price * ?,"
                        + " jsonb_build_object('product', p.name, 'quantity', ?) FROM shop.products p WHERE p.id = ?")) {
            insert.setLong(1, 1 + random.nextInt(CUSTOMERS));
            insert.setInt(2, quantity);
            insert.setInt(3, quantity);
            insert.setInt(4, 1 + random.nextInt(PRODUCTS));
            return insert.executeUpdate();
        }
    }

    private int advanceOrder(Connection connection) throws SQLException {
        String[] transitions = {"new:paid", "paid:shipped", "new:cancelled"};
        String[] transition = transitions[random.nextInt(transitions.length)].split(":");
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE shop.orders SET status = ?::shop.order_status WHERE id = (SELECT min(id) FROM shop.orders"
                        + " WHERE status = ?::shop.order_status)")) {
            update.setString(1, transition[1]);
            update.setString(2, transition[0]);
            return update.executeUpdate();
        }
    }
}
