package io.walferry.cli.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's sample shop: a schema of customers, products and orders (an enum, identity columns,
 * numeric, jsonb, arrays, timestamps), and a write workload paced at a few transactions a second
 * so a person can follow the stream: new orders, status changes, new customers, deleted orders.
 * It ends with a transactional logical message, {@link #DONE_PREFIX}, that marks the end.
 */
public final class ShopWorkload {
    /** Prefix of the logical message that closes the workload. */
    public static final String DONE_PREFIX = "walferry.demo.done";

    private static final String[] SCHEMA = {
        "CREATE SCHEMA shop",
        "CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled')",
        "CREATE TABLE shop.customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " email text NOT NULL UNIQUE, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE shop.products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, tags text[])",
        "CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                + " customer_id bigint NOT NULL REFERENCES shop.customers, status shop.order_status NOT NULL DEFAULT 'new',"
                + " total numeric(12,2) NOT NULL, details jsonb, created_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO shop.products VALUES (1, 'kettle', 39.90, '{kitchen}'), (2, 'teapot', 24.50, '{kitchen,tea}'),"
                + " (3, 'green tea 100g', 7.20, '{tea}'), (4, 'mug', 9.00, '{kitchen}'), (5, 'tea towel', 5.50, NULL)",
        "INSERT INTO shop.customers (email, name) VALUES ('ada@example.org', 'Ada'), ('grace@example.org', 'Grace'),"
                + " ('edsger@example.org', 'Edsger')",
    };

    /** What the workload wrote. */
    public record Counts(long transactions, long inserts, long updates, long deletes) {
    }

    private final Random random = new Random(42);
    private long transactions;
    private long inserts;
    private long updates;
    private long deletes;

    /** Creates the shop schema and its first rows. */
    public static void createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : SCHEMA) {
                statement.execute(sql);
            }
        }
    }

    /** Writes for {@code seconds} at about {@code transactionsPerSecond}, then the closing message. */
    public Counts run(Connection connection, int seconds, int transactionsPerSecond) throws SQLException {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, transactionsPerSecond);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long next = System.nanoTime();
        while (next < end) {
            oneTransaction(connection);
            next += intervalNanos;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN");
            updates += statement.executeUpdate("UPDATE shop.products SET price = round(price * 1.05, 2)");
            statement.execute("SELECT pg_logical_emit_message(true, '" + DONE_PREFIX + "', 'prices up 5%, demo done')");
            statement.execute("COMMIT");
            transactions++;
        }
        return new Counts(transactions, inserts, updates, deletes);
    }

    /**
     * One transaction (autocommit). Only a transaction that changed rows counts: one that changed
     * nothing (no order in the status to advance, say) commits nothing PostgreSQL 15+ would send.
     */
    private void oneTransaction(Connection connection) throws SQLException {
        int dice = random.nextInt(10);
        int changed;
        if (dice < 5) {
            changed = newOrder(connection);
            inserts += changed;
        } else if (dice < 8) {
            changed = advanceOrder(connection);
            updates += changed;
        } else if (dice < 9) {
            changed = newCustomer(connection);
            inserts += changed;
        } else {
            try (Statement statement = connection.createStatement()) {
                changed = statement.executeUpdate("DELETE FROM shop.orders WHERE id = (SELECT min(id) FROM shop.orders"
                        + " WHERE status = 'cancelled')");
            }
            deletes += changed;
        }
        if (changed > 0) {
            transactions++;
        }
    }

    private int newCustomer(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO shop.customers (email, name) VALUES (?, ?)")) {
            long n = transactions + 100;
            insert.setString(1, "customer" + n + "@example.org");
            insert.setString(2, "Customer " + n);
            return insert.executeUpdate();
        }
    }

    private int newOrder(Connection connection) throws SQLException {
        int product = 1 + random.nextInt(5);
        int quantity = 1 + random.nextInt(3);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO shop.orders (customer_id, total, details) SELECT c.id, p.price * ?, jsonb_build_object("
                        + "'product', p.name, 'quantity', ?) FROM shop.products p, (SELECT id FROM shop.customers"
                        + " ORDER BY random() LIMIT 1) c WHERE p.id = ?")) {
            insert.setInt(1, quantity);
            insert.setInt(2, quantity);
            insert.setInt(3, product);
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

    /** How many rows {@code sql} counts, for the summary. */
    public static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
