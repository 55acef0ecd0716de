package io.walferry.engine.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.testkit.PgPair;
import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --schema copy} by pg_dump against real servers: a whole database from 14 to 17 with its
 * views, functions, triggers, policies, rules and materialized views; a selection by {@code -t}
 * with partitions and awkward names; an explicit pg_dump too old for a 17 source; the fall back
 * to the built-in copy when no pg_dump can dump the source. The tests that need a pg_dump binary
 * (this machine's PostgreSQL client packages) are skipped without one.
 */
class PgDumpSchemaIT {
    private static final String SCHEMA = String.join(";\n",
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
            "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, m mood, updated timestamptz)",
            "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " customer int NOT NULL REFERENCES customers (id), total numeric CHECK (total >= 0))",
            "CREATE INDEX orders_customer ON orders (customer)",
            "CREATE TABLE measures (id int, at date, v float8, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
            "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "CREATE TABLE measures_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
            "CREATE INDEX measures_v ON measures (v)",
            "CREATE VIEW customer_names AS SELECT id, name FROM customers",
            "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated := now(); RETURN NEW; END;$$",
            "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a + b; END",
            "CREATE TRIGGER touch_customers BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch()",
            "ALTER TABLE customers ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY own ON customers USING (name = current_user)",
            "CREATE RULE two AS ON INSERT TO customer_names DO INSTEAD (INSERT INTO customers (name) VALUES (new.name);"
                    + " INSERT INTO customers (name) VALUES (new.name || ' again'))",
            "CREATE MATERIALIZED VIEW order_totals AS SELECT customer, sum(total) AS total FROM orders GROUP BY customer",
            "CREATE SCHEMA \"Odd Schema\"",
            "CREATE TABLE \"Odd Schema\".\"Order \"\"Lines\"\" café\" (\"select\" int PRIMARY KEY, note text)");
    private static final String DATA = String.join(";\n",
            "INSERT INTO customers (name, m) SELECT 'c' || i, 'ok' FROM generate_series(1, 300) i",
            "INSERT INTO orders (customer, total) SELECT 1 + i % 300, i / 4.0 FROM generate_series(1, 2000) i",
            "INSERT INTO measures SELECT i, DATE '2025-06-01' + (i % 400), i / 3.0 FROM generate_series(1, 1000) i",
            "INSERT INTO \"Odd Schema\".\"Order \"\"Lines\"\" café\" SELECT i, 'Ünïcode ' || i FROM generate_series(1, 50) i",
            "REFRESH MATERIALIZED VIEW order_totals");
    private static final String ODD = "\"Odd Schema\".\"Order \"\"Lines\"\" café\"";
    private static final List<String> TABLES = List.of("customers", "orders", "measures", ODD);

    @Test
    void shouldCopyViewsFunctionsTriggersAndPoliciesWithACompatiblePgDumpFound() throws Exception {
        assumeTrue(compatiblePgDump(14) != null, "no pg_dump of version 14 or later on PATH or in the usual directories");
        PgPair pair = TestPostgres.pair(14, 17);
        String sourceDb = pair.source().createDatabase("pgdump_whole");
        String targetDb = pair.target().createDatabase("pgdump_whole");
        run(pair.source(), sourceDb, SCHEMA + ";\n" + DATA);
        LoadConfig config = config(pair, sourceDb, targetDb, "pgdump_whole", List.of());
        LoadSchema schema = new PgDumpOrCopiedSchema(config);

        new FullLoad(config, schema).run();

        for (String table : TABLES) {
            assertThat(rows(pair.target(), targetDb, table)).as(table).isEqualTo(rows(pair.source(), sourceDb, table));
        }
        assertThat(rows(pair.target(), targetDb, "order_totals")).isEqualTo(rows(pair.source(), sourceDb, "order_totals"));
        for (String catalogQuery : List.of(
                // Names only: 17 prints view and rule definitions without the table qualifiers 14 prints.
                "SELECT viewname FROM pg_views WHERE schemaname = 'public'",
                "SELECT oid::regprocedure::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
                "SELECT tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal",
                "SELECT tablename || ' ' || policyname FROM pg_policies",
                "SELECT tablename || ' ' || rulename FROM pg_rules WHERE schemaname = 'public'",
                "SELECT matviewname || ' ' || ispopulated FROM pg_matviews",
                "SELECT relname FROM pg_class WHERE relrowsecurity",
                "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                        + " WHERE connamespace IN ('public'::regnamespace, '\"Odd Schema\"'::regnamespace)",
                "SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname IN ('public', 'Odd Schema')")) {
            assertThat(column(pair.target(), targetDb, catalogQuery)).as(catalogQuery)
                    .isNotEmpty().isEqualTo(column(pair.source(), sourceDb, catalogQuery));
        }
        for (String sequence : List.of("customers_id_seq", "orders_id_seq")) {
            String value = "SELECT last_value || ' ' || is_called FROM " + sequence;
            assertThat(column(pair.target(), targetDb, value)).isEqualTo(column(pair.source(), sourceDb, value));
        }
        assertThat(schema.report()).first().asString().startsWith("by pg_dump ");
        assertThat(schema.report()).contains("  copied: view public.customer_names", "  copied: function public.touch()",
                "  copied: function public.add(integer, integer)", "  copied: trigger public.customers touch_customers",
                "  copied: policy public.customers own", "  copied: rule public.customer_names two",
                "  copied: table attach public.measures_2026");
        assertThat(schema.report()).anySatisfy(line -> assertThat(line).startsWith("  not copied: owners and privileges"));
    }

    @Test
    void shouldDumpTheSelectedTablesAndEveryPartitionByNameWithAnExplicitPgDump() throws Exception {
        PgDump pgDump = compatiblePgDump(14);
        assumeTrue(pgDump != null, "no pg_dump of version 14 or later on PATH or in the usual directories");
        PgPair pair = TestPostgres.pair(14, 17);
        String sourceDb = pair.source().createDatabase("pgdump_tables");
        String targetDb = pair.target().createDatabase("pgdump_tables");
        run(pair.source(), sourceDb, SCHEMA + ";\n" + DATA);
        LoadConfig config = config(pair, sourceDb, targetDb, "pgdump_tables",
                List.of(TablePattern.parse("measures"), TablePattern.parse("Odd Schema.*")));
        LoadSchema schema = PgDumpSchema.using(pgDump.path(), config);

        new FullLoad(config, schema).run();

        for (String table : List.of("measures", ODD)) {
            assertThat(rows(pair.target(), targetDb, table)).as(table).isEqualTo(rows(pair.source(), sourceDb, table));
        }
        String partitionKeys = "SELECT conrelid::regclass || ' ' || conname FROM pg_constraint WHERE contype = 'p'"
                + " AND connamespace IN ('public'::regnamespace, '\"Odd Schema\"'::regnamespace)";
        assertThat(column(pair.target(), targetDb, partitionKeys)).containsExactly(
                "\"Odd Schema\".\"Order \"\"Lines\"\" café\" Order \"Lines\" café_pkey", "measures measures_pkey",
                "measures_2025 measures_2025_pkey", "measures_2026 measures_2026_pkey");
        assertThat(column(pair.target(), targetDb, "SELECT count(*) FROM pg_class WHERE relname IN"
                + " ('customers', 'customer_names', 'orders')")).containsExactly("0");
        assertThat(schema.report()).contains("  copied: schema Odd Schema", "  copied: table public.measures_2026",
                "  not copied: view public.customer_names: not copied: pg_dump -t dumps only the selected tables;"
                        + " create it on the target yourself if they or your application need it");
    }

    @Test
    void shouldRefuseAnExplicitPgDumpOlderThanTheSourceBeforeCreatingAnything() throws Exception {
        PgPair pair = TestPostgres.pair(17, 17);
        String sourceDb = pair.source().createDatabase("pgdump_old");
        String targetDb = pair.target().createDatabase("pgdump_old");
        run(pair.source(), sourceDb, "CREATE TABLE t (id int PRIMARY KEY)");
        LoadConfig config = config(pair, sourceDb, targetDb, "pgdump_old", List.of());
        Path missing = Path.of("/nonexistent/bin/pg_dump");

        assertThatThrownBy(() -> new FullLoad(config, PgDumpSchema.using(missing, config)).run())
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("--pg-dump /nonexistent/bin/pg_dump is not a usable pg_dump: there is no such"
                        + " file: give --pg-dump the path of a pg_dump of version 17 or later")
                .satisfies(e -> assertThat(((EngineException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
        PgDump old = olderPgDump(17);
        assumeTrue(old != null, "no pg_dump older than 17 on PATH or in the usual directories");
        assertThatThrownBy(() -> new FullLoad(config, PgDumpSchema.using(old.path(), config)).run())
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("--pg-dump " + old.path() + " is pg_dump " + old.version() + ", older than the"
                        + " source's PostgreSQL 17.")
                .hasMessageContaining("pg_dump cannot dump a newer server: give --pg-dump the path of a pg_dump of"
                        + " version 17 or later")
                .satisfies(e -> assertThat(((EngineException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
        assertThat(column(pair.target(), targetDb, "SELECT count(*) FROM pg_class WHERE relname IN ('t', 'load_state')"))
                .containsExactly("0");
    }

    @Test
    void shouldFallBackToTheBuiltInCopyWhenNoPgDumpCanDumpTheSource() throws Exception {
        PgPair pair = TestPostgres.pair(17, 17);
        String sourceDb = pair.source().createDatabase("pgdump_none");
        String targetDb = pair.target().createDatabase("pgdump_none");
        run(pair.source(), sourceDb, "CREATE TABLE t (id int PRIMARY KEY, note text);\n"
                + "CREATE VIEW v AS SELECT note FROM t;\nINSERT INTO t SELECT i, 'n' || i FROM generate_series(1, 100) i");
        LoadConfig config = config(pair, sourceDb, targetDb, "pgdump_none", List.of());
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/nonexistent/bin/pg_dump")));
        PgDump old = olderPgDump(17);
        if (old != null) {
            candidates.add(old.path());
        }
        LoadSchema schema = new PgDumpOrCopiedSchema(config, candidates);

        new FullLoad(config, schema).run();

        assertThat(rows(pair.target(), targetDb, "t")).isEqualTo(rows(pair.source(), sourceDb, "t"));
        assertThat(schema.report()).contains("  not copied: view public.v: not copied by the built-in schema copy;"
                + " create it on the target yourself (pg_dump --schema-only of the source has it)");
    }

    /** The first pg_dump found that can dump a source of {@code sourceMajor}, or null. */
    private static PgDump compatiblePgDump(int sourceMajor) {
        for (Path candidate : PgDump.defaultCandidates()) {
            PgDump pgDump = PgDump.probe(candidate);
            if (pgDump.major() >= sourceMajor) {
                return pgDump;
            }
        }
        return null;
    }

    /** A pg_dump older than {@code sourceMajor}, or null. */
    private static PgDump olderPgDump(int sourceMajor) {
        for (Path candidate : PgDump.defaultCandidates()) {
            PgDump pgDump = PgDump.probe(candidate);
            if (pgDump.major() < sourceMajor) {
                return pgDump;
            }
        }
        return null;
    }

    private static LoadConfig config(PgPair pair, String sourceDb, String targetDb, String pipeline,
                                     List<TablePattern> tables) {
        return new LoadConfig(pipeline, "walferry_" + pipeline, "walferry_" + pipeline,
                ConnectionSpec.parse(pair.source().libpqUrl(sourceDb)), ConnectionSpec.parse(pair.target().libpqUrl(targetDb)),
                tables, List.of(), 2, 0, false, true, 60_000);
    }

    private static void run(PgServer server, String database, String sql) throws SQLException {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement()) {
            for (String part : sql.split(";\n")) {
                statement.execute(part);
            }
        }
    }

    /** Every row as text, sorted: equal lists mean equal tables. */
    private static List<String> rows(PgServer server, String database, String table) throws SQLException {
        return column(server, database, "SELECT t::text FROM " + table + " t ORDER BY 1");
    }

    /** The first column of every row, as text, sorted. */
    private static List<String> column(PgServer server, String database, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        values.sort(null);
        return values;
    }
}
