package io.walferry.cli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's tables, in a schema of their own ({@value #SCHEMA}) on both servers, so that the
 * bench never reads or writes a user's table: {@code accounts} (as {@code pgbench_accounts}: a key,
 * a balance, an 84-character filler) and {@code history} (as {@code pgbench_history}, with a
 * {@code bigserial} key so that it needs no {@code REPLICA IDENTITY FULL}). Both sides are filled with
 * the same rows by the same statement, as {@code pgbench -i} does, so the target starts equal to
 * the source without a copy. Also the comparison of both sides at the end: per table a row count and
 * an order-independent checksum of every row's text.
 *
 * <p>Stateless; each method uses the caller's connection (auto-commit on) on the caller's thread.
 */
public final class BenchTables {
    /** The schema the bench creates on both servers and drops at the end. */
    public static final String SCHEMA = "walferry_bench";
    public static final String ACCOUNTS = SCHEMA + ".accounts";
    public static final String HISTORY = SCHEMA + ".history";
    /** The tables in the order the reports list them. */
    public static final List<String> TABLES = List.of(ACCOUNTS, HISTORY);
    /** History rows one transaction of the {@code inserts} workload writes, in one INSERT. */
    public static final int ROWS_PER_INSERT = 100;
    /** Accounts per branch ({@code bid}), as pgbench has 100,000 per unit of scale. */
    static final int ACCOUNTS_PER_BRANCH = 100_000;
    /** What the schema's comment says, so that a leftover of a killed bench can be told apart. */
    static final String MARKER = "walferry bench: created for one benchmark run, dropped at its end";

    private static final String[] TABLE_DDL = {
        "CREATE TABLE " + ACCOUNTS + " (aid int NOT NULL, bid int NOT NULL, abalance int NOT NULL, filler char(84))",
        "CREATE TABLE " + HISTORY + " (hid bigserial PRIMARY KEY, aid int NOT NULL, delta int NOT NULL,"
                + " mtime timestamp NOT NULL, filler char(22))",
    };
    private static final String FILL = "INSERT INTO " + ACCOUNTS + " (aid, bid, abalance, filler)"
            + " SELECT g, (g - 1) / " + ACCOUNTS_PER_BRANCH + " + 1, 0, '' FROM pg_catalog.generate_series(1, ?) g";
    /** The key after the rows, as pgbench -i does: faster, and the same index on both sides. */
    private static final String KEY = "ALTER TABLE " + ACCOUNTS + " ADD PRIMARY KEY (aid)";
    private static final String VACUUM = "VACUUM ANALYZE " + ACCOUNTS + ", " + HISTORY;

    private BenchTables() {
    }

    /**
     * What schema {@value #SCHEMA} holds on this server, for the refusal; null when there is no such
     * schema. {@link #isLeftover} tells whether an earlier bench made it.
     */
    public static Existing existing(Connection sql) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("SELECT pg_catalog.obj_description(n.oid, 'pg_namespace'),"
                + " (SELECT pg_catalog.string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_catalog.pg_class c"
                + " WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))"
                + " FROM pg_catalog.pg_namespace n WHERE n.nspname = ?")) {
            query.setString(1, SCHEMA);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? new Existing(row.getString(1), row.getString(2)) : null;
            }
        }
    }

    /**
     * Schema {@value #SCHEMA} as found before the bench started.
     *
     * @param comment   its comment, or null
     * @param relations its tables, views and sequences, comma-separated, or null when it has none
     */
    public record Existing(String comment, String relations) {
        /** Whether a bench that did not finish (killed) left it behind. */
        public boolean isLeftover() {
            return MARKER.equals(comment);
        }
    }

    /**
     * Creates the schema and both tables, fills {@code accounts} with {@code accounts} rows and builds
     * the key, in one transaction; {@link #vacuum} next, once the caller has noted the schema as its own.
     */
    public static void create(Connection sql, long accounts) throws SQLException {
        sql.setAutoCommit(false);
        try (Statement statement = sql.createStatement()) {
            statement.execute("CREATE SCHEMA " + SCHEMA);
            statement.execute("COMMENT ON SCHEMA " + SCHEMA + " IS '" + MARKER + "'");
            fill(sql, statement, accounts);
            sql.commit();
        } catch (SQLException | RuntimeException e) {
            sql.rollback();
            throw e;
        } finally {
            sql.setAutoCommit(true);
        }
    }

    /**
     * Puts the tables back as {@link #create} left them: emptied in place (a subscription knows its
     * tables by OID, so they must not be dropped), filled again, the key built after the rows;
     * {@link #vacuum} next. The starting point of the next consumer of the same backlog.
     */
    public static void reset(Connection sql, long accounts) throws SQLException {
        sql.setAutoCommit(false);
        try (Statement statement = sql.createStatement()) {
            statement.execute("TRUNCATE " + ACCOUNTS + ", " + HISTORY + " RESTART IDENTITY");
            statement.execute("ALTER TABLE " + ACCOUNTS + " DROP CONSTRAINT accounts_pkey");
            fillAccounts(sql, accounts);
            statement.execute(KEY);
            sql.commit();
        } catch (SQLException | RuntimeException e) {
            sql.rollback();
            throw e;
        } finally {
            sql.setAutoCommit(true);
        }
    }

    private static void fill(Connection sql, Statement statement, long accounts) throws SQLException {
        for (String ddl : TABLE_DDL) {
            statement.execute(ddl);
        }
        fillAccounts(sql, accounts);
        statement.execute(KEY);
    }

    private static void fillAccounts(Connection sql, long accounts) throws SQLException {
        try (PreparedStatement fill = sql.prepareStatement(FILL)) {
            fill.setLong(1, accounts);
            fill.executeUpdate();
        }
    }

    /** {@code VACUUM ANALYZE} of both tables, as {@code pgbench -i} ends. */
    public static void vacuum(Connection sql) throws SQLException {
        try (Statement statement = sql.createStatement()) {
            statement.execute(VACUUM);
        }
    }

    /** Drops the schema and everything in it: call only when this bench created it. */
    public static void drop(Connection sql) throws SQLException {
        try (Statement statement = sql.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /**
     * Each table's row count and checksum: two sums of 32-bit pieces of each row's {@code md5}, so
     * that neither the row order nor the physical layout matters. Both servers render the same
     * types alike (integers, {@code char}, {@code timestamp} without time zone, in pgjdbc's ISO
     * DateStyle), so equal rows give equal sums.
     */
    public static List<TableSum> checksums(Connection sql) throws SQLException {
        List<TableSum> sums = new ArrayList<>();
        for (String table : TABLES) {
            try (Statement statement = sql.createStatement();
                 ResultSet row = statement.executeQuery("SELECT count(*),"
                         + " coalesce(sum(('x' || substr(h, 1, 8))::bit(32)::int8), 0)::text"
                         + " || '-' || coalesce(sum(('x' || substr(h, 9, 8))::bit(32)::int8), 0)::text"
                         + " FROM (SELECT md5(t::text) AS h FROM " + table + " t) s")) {
                row.next();
                sums.add(new TableSum(table, row.getLong(1), row.getString(2)));
            }
        }
        return sums;
    }

    /**
     * One table on one server.
     *
     * @param table its qualified name
     * @param rows  its row count
     * @param sum   its checksum
     */
    public record TableSum(String table, long rows, String sum) {
    }
}
