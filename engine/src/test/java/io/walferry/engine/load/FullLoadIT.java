package io.walferry.engine.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.testkit.PgPair;
import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The data path of the full load against real servers, into an existing schema: every row of
 * plain, split, partitioned, keyless and oddly named tables arrives; binary COPY between servers
 * of one major version, text across versions; a load that fails resumes without copying a finished
 * table again, and copies the rest under a later snapshot that it records.
 */
class FullLoadIT {
    private static final String SCHEMA = String.join(";\n",
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
            "CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric(12,2), note text, at timestamptz)",
            "CREATE TABLE big (id int PRIMARY KEY, payload text, tags int[])",
            "CREATE TABLE moods (id int PRIMARY KEY, m mood, ms mood[])",
            "CREATE TABLE keyless (a int, b text)",
            "ALTER TABLE keyless REPLICA IDENTITY FULL",
            "CREATE TABLE measures (id int, at date, v double precision, doubled double precision"
                    + " GENERATED ALWAYS AS (v * 2) STORED, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)",
            "CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "CREATE TABLE measures_2026 PARTITION OF measures FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
            "CREATE SCHEMA \"Odd Schema\"",
            "CREATE TABLE \"Odd Schema\".\"Order \"\"Lines\"\" café\" (\"select\" int PRIMARY KEY, \"Mixed Case\" text)");
    private static final String DATA = String.join(";\n",
            "INSERT INTO accounts SELECT i, i * 1.5, 'note ' || i, '2026-01-01'::timestamptz + i * interval '1 minute'"
                    + " FROM generate_series(1, 3000) i",
            "INSERT INTO big SELECT i, repeat('x', 200) || i, ARRAY[i, i + 1] FROM generate_series(1, 20000) i",
            "INSERT INTO moods SELECT i, (ARRAY['sad', 'ok', 'happy'])[i % 3 + 1]::mood, ARRAY['ok', 'sad']::mood[]"
                    + " FROM generate_series(1, 500) i",
            "INSERT INTO keyless SELECT i % 10, 'same' FROM generate_series(1, 400) i",
            "INSERT INTO measures (id, at, v) SELECT i, DATE '2025-06-01' + (i % 400), i / 3.0"
                    + " FROM generate_series(1, 2000) i",
            "INSERT INTO \"Odd Schema\".\"Order \"\"Lines\"\" café\" SELECT i, 'Ünïcode ' || i FROM generate_series(1, 50) i");
    /** Every type family of design.md, values at their edges, a large TOASTed value, keys and indexes. */
    private static final String TYPES = String.join(";\n",
            "CREATE DOMAIN positive AS numeric CHECK (VALUE >= 0)",
            "CREATE TYPE pair AS (a int, b text)",
            "CREATE TABLE kinds (id int PRIMARY KEY, n numeric, p positive, ts timestamp, tz timestamptz, d date,"
                    + " b bytea, j json, jb jsonb, r int4range, tr tstzrange, arr text[], pr pair, prs pair[], m mood,"
                    + " big text, u uuid, f float8, CONSTRAINT kinds_n_check CHECK (n IS NOT NULL OR d IS NOT NULL))",
            "CREATE UNIQUE INDEX kinds_u ON kinds (u)",
            "CREATE INDEX kinds_expr ON kinds (md5(big)) WHERE id > 1",
            "INSERT INTO kinds VALUES (1, 'NaN', 0, 'infinity', '-infinity', 'infinity', '\\x00ff', '{\"a\": [1, 2]}',"
                    + " '{\"b\": null}', '[1,5)', '[2026-01-01,infinity)', ARRAY['x', NULL, 'z \"q\"'], ROW(1, 'o''k'),"
                    + " ARRAY[ROW(2, NULL)::pair], 'happy', 'short', gen_random_uuid(), '-Infinity')",
            "INSERT INTO kinds VALUES (2, 'Infinity', 12.5, '-infinity', 'infinity', '-infinity', '', '[]', '[]', 'empty',"
                    + " 'empty', '{}', NULL, '{}', NULL, repeat(md5('x'), 70000), gen_random_uuid(), 'NaN')",
            "INSERT INTO kinds VALUES (3, '-Infinity', NULL, '2026-11-22 10:00:00.123456', '2026-11-22 10:00:00+05:30',"
                    + " '0001-01-01 BC', NULL, 'null', 'null', '(,)', NULL, NULL, ROW(NULL, NULL), NULL, 'sad', NULL, NULL, 1e308)",
            "CREATE TABLE lines (id serial PRIMARY KEY, account bigint NOT NULL REFERENCES accounts (id),"
                    + " kind int REFERENCES kinds (id), qty int CHECK (qty > 0))",
            "CREATE INDEX lines_account ON lines (account, qty)",
            "INSERT INTO lines (account, kind, qty) SELECT 1 + i % 3000, 1 + i % 3, 1 + i % 7 FROM generate_series(1, 5000) i");
    private static final LoadSchema EXISTING = new ExistingSchema(SourceTables.selection(List.of(), List.of()));
    private static final String ODD = "\"Odd Schema\".\"Order \"\"Lines\"\" café\"";
    private static final List<String> TABLES = List.of("public.accounts", "public.big", "public.moods",
            "public.keyless", "public.measures", "\"Odd Schema\".\"Order \"\"Lines\"\" café\"");

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17", "14, 17"})
    void shouldCopyEveryRowOfEveryTableKind(int sourceVersion, int targetVersion) throws Exception {
        PgPair pair = TestPostgres.pair(sourceVersion, targetVersion);
        String sourceDb = pair.source().createDatabase("load_kinds");
        String targetDb = pair.target().createDatabase("load_kinds");
        run(pair.source(), sourceDb, SCHEMA + ";\n" + DATA);
        run(pair.target(), targetDb, SCHEMA);

        String pipeline = "kinds_" + sourceVersion + "_" + targetVersion;
        LoadResult result = new FullLoad(config(pair, sourceDb, targetDb, pipeline, 2, 256 * 1024), EXISTING).run();

        for (String table : TABLES) {
            assertThat(rows(pair.target(), targetDb, table)).as(table).isEqualTo(rows(pair.source(), sourceDb, table));
        }
        assertThat(result.tables()).hasSize(TABLES.size())
                .allSatisfy(copy -> assertThat(copy.targetRows()).isEqualTo(copy.sourceRows()));
        assertThat(result.tables()).filteredOn(copy -> copy.name().equals("big")).singleElement()
                .satisfies(copy -> assertThat(copy.sourceRows()).isEqualTo(20000));
        assertThat(result.laterSnapshots()).isEmpty();
        assertThat(slotConfirmedLsn(pair.source(), sourceDb, "walferry_" + pipeline)).isEqualTo(Lsn.format(result.slotLsn()));
        assertThat(queryText(pair.target(), targetDb, "SELECT phase || ' ' || slot_lsn FROM walferry.load_state"))
                .isEqualTo("done " + Lsn.format(result.slotLsn()));
        assertThat(new FullLoad(config(pair, sourceDb, targetDb, pipeline, 2, 0), EXISTING).run().alreadyDone())
                .isTrue();
    }

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17", "14, 17", "17, 18"})
    void shouldCreateTheSchemaAndLoadEveryTypeIntoAnEmptyTarget(int sourceVersion, int targetVersion) throws Exception {
        PgPair pair = TestPostgres.pair(sourceVersion, targetVersion);
        String sourceDb = pair.source().createDatabase("load_schema");
        String targetDb = pair.target().createDatabase("load_schema");
        run(pair.source(), sourceDb, SCHEMA + ";\n" + DATA + ";\n" + TYPES);
        List<String> tables = new ArrayList<>(TABLES);
        tables.addAll(List.of("public.kinds", "public.lines"));

        LoadResult result = new FullLoad(config(pair, sourceDb, targetDb, "schema_" + sourceVersion + "_" + targetVersion, 2, 256 * 1024),
                new CopiedSchema(SourceTables.selection(List.of(), List.of()))).run();

        for (String table : tables) {
            assertThat(rows(pair.target(), targetDb, table)).as(table).isEqualTo(rows(pair.source(), sourceDb, table));
        }
        assertThat(result.tables()).hasSize(tables.size());
        String definitions = "SELECT string_agg(c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid),"
                + " E'\\n' ORDER BY c.conrelid::regclass::text, c.conname) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
                + " WHERE n.nspname IN ('public', 'Odd Schema') AND c.contype IN ('p', 'u', 'f', 'c', 'x')";
        assertThat(queryText(pair.target(), targetDb, definitions)).isEqualTo(queryText(pair.source(), sourceDb, definitions));
        String indexes = "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
                + " WHERE schemaname IN ('public', 'Odd Schema')";
        assertThat(queryText(pair.target(), targetDb, indexes)).isEqualTo(queryText(pair.source(), sourceDb, indexes));
        assertThat(queryText(pair.target(), targetDb, "SELECT last_value FROM lines_id_seq"))
                .isEqualTo(queryText(pair.source(), sourceDb, "SELECT last_value FROM lines_id_seq"));
        assertThat(queryText(pair.target(), targetDb, "SELECT count(*) FROM walferry.load_steps"
                + " WHERE step LIKE 'analyze %'")).isEqualTo(String.valueOf(tables.size()));
    }

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17"})
    void shouldRefuseANonEmptyTargetTableAndAMissingOne(int sourceVersion, int targetVersion) throws Exception {
        PgPair pair = TestPostgres.pair(sourceVersion, targetVersion);
        String sourceDb = pair.source().createDatabase("load_refuse");
        String targetDb = pair.target().createDatabase("load_refuse");
        run(pair.source(), sourceDb, SCHEMA + ";\n" + DATA);
        run(pair.target(), targetDb, SCHEMA + ";\nINSERT INTO keyless VALUES (1, 'already here')");

        assertThatThrownBy(() -> new FullLoad(config(pair, sourceDb, targetDb, "refuse", 2, 0), EXISTING).run())
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("target tables already hold rows: public.keyless")
                .hasMessageContaining("--truncate-target")
                .satisfies(e -> assertThat(((EngineException) e).failure()).isEqualTo(Failure.TARGET_NOT_READY));
        assertThat(slotExists(pair.source(), sourceDb, "walferry_refuse")).isFalse();

        LoadConfig truncating = config(pair, sourceDb, targetDb, "refuse", 2, 0);
        truncating = new LoadConfig(truncating.pipelineName(), truncating.slotName(), truncating.publicationName(),
                truncating.source(), truncating.target(), List.of(), List.of(), 2, 0, true, true, 60_000);
        new FullLoad(truncating, EXISTING).run();
        assertThat(rows(pair.target(), targetDb, "public.keyless")).isEqualTo(rows(pair.source(), sourceDb, "public.keyless"))
                .doesNotContain("(1,\"already here\")");
        run(pair.source(), sourceDb, "SELECT pg_drop_replication_slot('walferry_refuse')");

        String otherTarget = pair.target().createDatabase("load_refuse");
        run(pair.target(), otherTarget, SCHEMA + ";\nDROP TABLE moods");
        assertThatThrownBy(() -> new FullLoad(config(pair, sourceDb, otherTarget, "refuse", 2, 0), EXISTING).run())
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("table \"public\".\"moods\" is missing on the target");
    }

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17"})
    void shouldResumeAFailedLoadUnderALaterSnapshotWithoutCopyingFinishedTablesAgain(int sourceVersion,
                                                                                     int targetVersion) throws Exception {
        PgPair pair = TestPostgres.pair(sourceVersion, targetVersion);
        String sourceDb = pair.source().createDatabase("load_resume");
        String targetDb = pair.target().createDatabase("load_resume");
        // The odd table refers to moods: the two must be copied under one snapshot.
        String link = ";\nALTER TABLE " + ODD + " ADD COLUMN mood_id int REFERENCES moods (id)";
        run(pair.source(), sourceDb, SCHEMA + ";\n" + DATA + link + ";\nUPDATE " + ODD + " SET mood_id = \"select\"");
        // The target refuses one row of the smallest table, the last one the single job copies (largest first).
        run(pair.target(), targetDb, SCHEMA + link + ";\nALTER TABLE " + ODD + " ADD CONSTRAINT no_49 CHECK (\"select\" <> 49)");
        LoadConfig config = config(pair, sourceDb, targetDb, "resume", 1, 0);

        assertThatThrownBy(() -> new FullLoad(config, EXISTING).run())
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("copying Odd Schema.Order \"Lines\" café into " + ODD + " on the target failed")
                .hasMessageContaining("no_49");
        String copiedBefore = queryText(pair.target(), targetDb,
                "SELECT string_agg(schema_name || '.' || table_name || '@' || copied_at, ',' ORDER BY table_name)"
                        + " FROM walferry.load_tables");
        assertThat(copiedBefore).contains("public.big@").contains("public.moods@").doesNotContain("Odd Schema");

        // The source moves on while the load is stopped; the fix on the target; the load runs again.
        run(pair.source(), sourceDb, "UPDATE " + ODD + " SET \"Mixed Case\" = 'changed' WHERE \"select\" <= 10;\n"
                + "DELETE FROM " + ODD + " WHERE \"select\" = 50;\nUPDATE moods SET m = 'ok' WHERE id <= 5");
        run(pair.target(), targetDb, "ALTER TABLE " + ODD + " DROP CONSTRAINT no_49");
        LoadResult result = new FullLoad(config, EXISTING).run();

        assertThat(rows(pair.target(), targetDb, ODD)).isEqualTo(rows(pair.source(), sourceDb, ODD))
                .contains("(1,changed,1)").hasSize(49);
        assertThat(rows(pair.target(), targetDb, "public.moods")).as("the linked table, copied again under the new"
                + " snapshot").isEqualTo(rows(pair.source(), sourceDb, "public.moods"));
        for (String table : TABLES) {
            assertThat(count(pair.target(), targetDb, table)).as(table).isEqualTo(count(pair.source(), sourceDb, table));
        }
        String copiedAfter = queryText(pair.target(), targetDb,
                "SELECT string_agg(schema_name || '.' || table_name || '@' || copied_at, ',' ORDER BY table_name)"
                        + " FROM walferry.load_tables WHERE schema_name <> 'Odd Schema' AND table_name <> 'moods'");
        assertThat(copiedAfter).isEqualTo(copiedBefore.replaceAll(",?public\\.moods@[^,]*", ""));
        Map<String, Long> later = result.laterSnapshots();
        String oddKey = LoadState.key("Odd Schema", "Order \"Lines\" café");
        assertThat(later).containsOnlyKeys(oddKey, LoadState.key("public", "moods"));
        assertThat(Long.compareUnsigned(later.get(oddKey), result.slotLsn())).isPositive();
        assertThat(slotExists(pair.source(), sourceDb, "walferry_resume_resume")).isFalse();
    }

    private static LoadConfig config(PgPair pair, String sourceDb, String targetDb, String pipeline, int jobs,
                                     long splitBytes) {
        return new LoadConfig(pipeline, "walferry_" + pipeline, "walferry_" + pipeline,
                ConnectionSpec.parse(pair.source().libpqUrl(sourceDb)), ConnectionSpec.parse(pair.target().libpqUrl(targetDb)),
                List.<TablePattern>of(), List.<TablePattern>of(), jobs, splitBytes, false, true, 60_000);
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
        List<String> rows = new ArrayList<>();
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT t::text FROM " + table + " t ORDER BY 1")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    private static long count(PgServer server, String database, String table) throws SQLException {
        return Long.parseLong(queryText(server, database, "SELECT count(*) FROM " + table));
    }

    private static String queryText(PgServer server, String database, String sql) throws SQLException {
        try (Connection connection = server.connect(database); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static String slotConfirmedLsn(PgServer server, String database, String slot) throws SQLException {
        return queryText(server, database, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'");
    }

    private static boolean slotExists(PgServer server, String database, String slot) throws SQLException {
        return queryText(server, database, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")
                .equals("1");
    }
}
