package io.walferry.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.testkit.PgPair;
import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The schema copy against real servers: the {@link SourceFixture} schema read from a source,
 * recreated phase by phase on an empty target of another version, and the two catalogs compared.
 */
class SchemaCopyIT {
    private static final int PARALLEL_JOBS = 2;

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"14, 17", "17, 18", "18, 17", "17, 14"})
    void shouldRecreateTheSourceSchemaOnAnEmptyTarget(int sourceVersion, int targetVersion) throws Exception {
        PgPair pair = TestPostgres.pair(sourceVersion, targetVersion);
        String sourceDatabase = pair.source().createDatabase("schema_source");
        String targetDatabase = pair.target().createDatabase("schema_target");
        try (Connection source = pair.source().connect(sourceDatabase);
             Connection target = pair.target().connect(targetDatabase)) {
            SourceFixture.create(source);
            SourceSchema schema = SourceSchema.read(source, SourceFixture::selected);
            assertThat(schema.incompatibilitiesWith(targetVersion)).isEmpty();

            copy(schema, pair.target(), targetDatabase, target);

            assertThat(CatalogSnapshot.of(target)).containsExactlyElementsOf(CatalogSnapshot.of(source));
            assertThat(SchemaComparison.compare(schema, target)).isEmpty();
        }
    }

    @Test
    void shouldRestoreTheSourceSearchPathAndTransactionState() throws Exception {
        PgServer server = TestPostgres.server(TestPostgres.newestVersion());
        try (Connection source = server.connect(server.createDatabase("schema_session"));
             Statement statement = source.createStatement()) {
            statement.execute("CREATE TABLE t (id int PRIMARY KEY)");
            statement.execute("SET search_path = public, \"$user\"");
            SourceSchema.read(source, (schema, table) -> true);
            assertThat(source.getAutoCommit()).isTrue();
            assertThat(source.isReadOnly()).isFalse();
            try (var row = statement.executeQuery("SHOW search_path")) {
                row.next();
                assertThat(row.getString(1)).isEqualTo("public, \"$user\"");
            }
        }
    }

    @Test
    void shouldListWhatTheBuiltInCopyDoesNotCreate() throws Exception {
        PgServer server = TestPostgres.server(TestPostgres.newestVersion());
        try (Connection source = server.connect(server.createDatabase("schema_report"))) {
            SourceFixture.create(source);
            SchemaReport report = SourceSchema.read(source, SourceFixture::selected).report();

            assertThat(report.notCopied()).extracting(SchemaReport.Entry::line).contains(
                    "view public.customer_names: " + SchemaReport.NOT_COPIED,
                    "function public.touch(): " + SchemaReport.NOT_COPIED,
                    "trigger touch_customers on \"Sales\".\"Customers\": " + SchemaReport.NOT_COPIED,
                    "type public.unused_ignored: not used by the selected tables");
            assertThat(report.copied()).extracting(SchemaReport.Entry::line).contains(
                    "extension \"btree_gist\"", "extension \"citext\"", "enum type \"public\".\"mood\"",
                    "table \"select\".\"from\"", "partitioned table \"public\".\"events\"",
                    "partition \"public\".\"events_2024_eu\"",
                    "exclusion constraint \"café\".\"no overlap\" on table \"café\".\"Réservation \"\"Spéciale\"\"\"",
                    "index \"Sales\".\"Customers lower name\" on table \"Sales\".\"Customers\"");
            assertThat(report.copied()).extracting(SchemaReport.Entry::name).noneMatch(name -> name.contains("ignored"));
            assertThat(report.notCopied()).extracting(SchemaReport.Entry::name)
                    .as("a range type's constructors come with the type").noneMatch(name -> name.contains("floatrange"));
            assertThat(report.lines().get(0)).startsWith("schema copy: copied extension: 2, domain type: 3, ")
                    .contains("; not copied ").contains("view: 1");
            assertThat(report.lines()).contains("  not copied: view public.customer_names: " + SchemaReport.NOT_COPIED);
        }
    }

    @Test
    void shouldNameEachDifferenceOfAnExistingTarget() throws Exception {
        PgPair pair = TestPostgres.pair(17, 18);
        String sourceDatabase = pair.source().createDatabase("schema_compare_source");
        String targetDatabase = pair.target().createDatabase("schema_compare_target");
        try (Connection source = pair.source().connect(sourceDatabase);
             Connection target = pair.target().connect(targetDatabase);
             Statement onTarget = target.createStatement()) {
            SourceFixture.create(source);
            SourceSchema schema = SourceSchema.read(source, SourceFixture::selected);
            copy(schema, pair.target(), targetDatabase, target);
            onTarget.execute("ALTER TABLE \"Sales\".\"order\" ADD COLUMN note text, ADD COLUMN since date NOT NULL"
                    + " DEFAULT now()");
            assertThat(SchemaComparison.compare(schema, target)).isEmpty();

            onTarget.execute("ALTER TABLE \"Sales\".\"order\" ALTER COLUMN ratio TYPE double precision");
            onTarget.execute("ALTER TABLE \"café\".\"Réservation \"\"Spéciale\"\"\" DROP COLUMN \"Note\"");
            onTarget.execute("DROP TABLE \"select\".\"from\"");
            onTarget.execute("ALTER TABLE \"Sales\".\"Customers\" ADD COLUMN \"Must\" int NOT NULL");
            onTarget.execute("ALTER TABLE public.scratch ALTER COLUMN v SET NOT NULL");
            onTarget.execute("ALTER TABLE public.scratch DROP CONSTRAINT scratch_pkey");
            assertThat(SchemaComparison.compare(schema, target)).containsExactlyInAnyOrder(
                    "table \"Sales\".\"order\": column \"ratio\" is real on the source, double precision on the target",
                    "table \"café\".\"Réservation \"\"Spéciale\"\"\": column \"Note\" is missing on the target",
                    "table \"select\".\"from\" is missing on the target",
                    "table \"Sales\".\"Customers\": column \"Must\" exists only on the target and is NOT NULL"
                            + " without a default, so rows from the source cannot be inserted",
                    "table \"public\".\"scratch\": column \"v\" is NOT NULL on the target but nullable on the source",
                    "table \"public\".\"scratch\": the primary key is (\"k\") on the source, missing on the target");
        }
    }

    @Test
    void shouldFindTheTargetTablesThatHoldRows() throws Exception {
        PgServer server = TestPostgres.server(TestPostgres.newestVersion());
        try (Connection target = server.connect(server.createDatabase("schema_empty"));
             Statement statement = target.createStatement()) {
            statement.execute("CREATE TABLE \"Empty\" (id int)");
            statement.execute("CREATE TABLE \"Full \"\"one\"\"\" (id int) PARTITION BY RANGE (id)");
            statement.execute("CREATE TABLE full_part PARTITION OF \"Full \"\"one\"\"\" FOR VALUES FROM (0) TO (10)");
            statement.execute("INSERT INTO \"Full \"\"one\"\"\" VALUES (1)");
            QualifiedName empty = new QualifiedName("public", "Empty");
            QualifiedName full = new QualifiedName("public", "Full \"one\"");

            List<QualifiedName> nonEmpty = TargetTables.nonEmpty(target, List.of(empty, full));

            assertThat(nonEmpty).containsExactly(full);
            assertThat(TargetTables.refusal(nonEmpty)).isEqualTo("target table \"public\".\"Full \"\"one\"\"\" is not"
                    + " empty, and walferry never merges into existing rows: empty it (TRUNCATE), or run again with"
                    + " --truncate-target");
        }
    }

    @Test
    void shouldNameWhatAnOlderTargetCannotCreate() throws Exception {
        PgPair pair = TestPostgres.pair(17, 14);
        String targetDatabase = pair.target().createDatabase("schema_older_target");
        try (Connection source = pair.source().connect(pair.source().createDatabase("schema_older"));
             Connection target = pair.target().connect(targetDatabase);
             Statement statement = source.createStatement()) {
            statement.execute("CREATE TABLE codes (code text, CONSTRAINT one_null UNIQUE NULLS NOT DISTINCT (code))");
            SourceSchema schema = SourceSchema.read(source, (s, t) -> true);

            assertThat(schema.incompatibilitiesWith(17)).isEmpty();
            assertThat(schema.incompatibilitiesWith(14)).containsExactly("constraint \"public\".\"one_null\" on table"
                    + " \"public\".\"codes\" uses NULLS NOT DISTINCT, which PostgreSQL 14 does not support (it needs 15"
                    + " or later): change it on the source, or move to PostgreSQL 15 or later");
            for (DdlStatement ddl : schema.preData()) {
                ddl.execute(target);
            }
            assertThatThrownBy(() -> schema.indexes().get(0).execute(target))
                    .isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("the target refused the unique constraint \"public\".\"one_null\" on table"
                            + " \"public\".\"codes\": ERROR: syntax error")
                    .hasMessageEndingWith("(statement: ALTER TABLE \"public\".\"codes\" ADD CONSTRAINT \"one_null\""
                            + " UNIQUE NULLS NOT DISTINCT (code)); create this object on the target by hand and load with"
                            + " --schema existing")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42601");
        }
    }

    @Test
    void shouldCopyVirtualGeneratedColumnsBetweenPostgres18Servers() throws Exception {
        PgPair pair = TestPostgres.pair(18, 18);
        String targetDatabase = pair.target().createDatabase("schema_virtual_target");
        try (Connection source = pair.source().connect(pair.source().createDatabase("schema_virtual"));
             Connection target = pair.target().connect(targetDatabase);
             Statement statement = source.createStatement()) {
            statement.execute("CREATE TABLE prices (net numeric NOT NULL, gross numeric GENERATED ALWAYS AS (net * 1.2),"
                    + " stored numeric GENERATED ALWAYS AS (net * 2) STORED, CONSTRAINT net_set NOT NULL net)");
            SourceSchema schema = SourceSchema.read(source, (s, t) -> true);

            assertThat(schema.incompatibilitiesWith(17)).containsExactly("column \"public\".\"prices\".\"gross\" is a"
                    + " virtual generated column, which PostgreSQL 17 does not support (it needs 18 or later): change it"
                    + " on the source, or move to PostgreSQL 18 or later");
            copy(schema, pair.target(), targetDatabase, target);
            assertThat(CatalogSnapshot.of(target)).containsExactlyElementsOf(CatalogSnapshot.of(source))
                    .contains("column public.prices.gross numeric notnull=false default=(net * 1.2) identity= generated=v"
                            + " collation= comment=");
        }
    }

    /** The phases in load order; the independent ones as parallel jobs on connections of their own. */
    private static void copy(SourceSchema schema, PgServer target, String database, Connection connection)
            throws Exception {
        for (DdlStatement statement : schema.preData()) {
            statement.execute(connection);
        }
        runInParallel(schema.primaryKeys(), target, database);
        runInParallel(schema.indexes(), target, database);
        runInParallel(schema.foreignKeys(), target, database);
        runInParallel(schema.validations(), target, database);
        for (DdlStatement statement : schema.sequenceValues()) {
            statement.execute(connection);
        }
    }

    private static void runInParallel(List<DdlStatement> statements, PgServer target, String database)
            throws Exception {
        LinkedBlockingQueue<DdlStatement> queue = new LinkedBlockingQueue<>(statements);
        ExecutorService jobs = Executors.newFixedThreadPool(PARALLEL_JOBS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < PARALLEL_JOBS; i++) {
                done.add(jobs.submit(() -> {
                    try (Connection connection = target.connect(database)) {
                        for (DdlStatement statement = queue.poll(); statement != null; statement = queue.poll()) {
                            statement.execute(connection);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> job : done) {
                job.get();
            }
        } finally {
            jobs.shutdownNow();
        }
    }
}
