package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.walferry.testkit.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code walferry check} against real servers: the verdict, the findings, the exit code, and nothing created. */
class CheckCommandIT {
    private static final Pattern CODE_LINE = Pattern.compile("^  \\[([a-z_]+)\\]", Pattern.MULTILINE);

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17", "14, 17"})
    void shouldReportAReadyPairAndExit0(int sourceVersion, int targetVersion) throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(sourceVersion, targetVersion), "check_ready", "it_check_ready")) {
            pair.source.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, note text, at timestamptz)",
                    "CREATE TABLE lines (order_id bigint REFERENCES orders, n int, qty int, PRIMARY KEY (order_id, n))",
                    "INSERT INTO orders (note, at) SELECT 'n' || g, now() FROM generate_series(1, 100) g",
                    "INSERT INTO lines SELECT g, 1, 2 FROM generate_series(1, 100) g");

            CommandRun run = check(pair, "it_check_ready");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
            assertThat(run.stdout()).contains("READY: no blockers").doesNotContain("Blockers")
                    .contains("[sequences]").contains("\"public\".\"orders_id_seq\"")
                    .contains("Tables, largest first").contains("\"public\".\"orders\"").contains("\"public\".\"lines\"");
            assertThat(run.stdout()).contains("[server_versions]").contains(sourceVersion == targetVersion
                    ? "the same major version" : "a major-version upgrade");
            assertNothingCreated(pair, "it_check_ready");
        }
    }

    @Test
    void shouldBlockAKeylessTableWithoutReplicaIdentityNamingItAndTheFix() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "check_blocked", "it_check_blocked")) {
            pair.source.execute("CREATE TABLE events (v int, note text)",
                    "CREATE TABLE audit (id int PRIMARY KEY, what text)",
                    "ALTER TABLE audit REPLICA IDENTITY FULL",
                    "CREATE TABLE notes (id int PRIMARY KEY, body text)",
                    "CREATE INDEX notes_body ON notes (body)",
                    "CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY)");

            CommandRun run = check(pair, "it_check_blocked");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CHECK_BLOCKED);
            assertThat(run.stdout()).contains("NOT READY: 1 blocker(s)")
                    .contains("[replica_identity] \"public\".\"events\"")
                    .contains("table \"public\".\"events\" has no primary key and REPLICA IDENTITY DEFAULT")
                    .contains("ALTER TABLE \"public\".\"events\" REPLICA IDENTITY FULL")
                    .contains("[replica_identity_full] \"public\".\"audit\"")
                    .contains("[unused_index] \"public\".\"notes_body\"")
                    .contains("[unlogged_table] \"public\".\"scratch\"");
            assertThat(run.stdout().indexOf("Blockers")).isLessThan(run.stdout().indexOf("Warnings"));
            assertNothingCreated(pair, "it_check_blocked");
        }
    }

    @Test
    void shouldCarryTheSameFindingsInJson() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "check_json", "it_check_json")) {
            pair.source.execute("CREATE TABLE events (v int, note text)", "CREATE TABLE t (id int PRIMARY KEY, x int)",
                    "CREATE INDEX t_x ON t (x)", "INSERT INTO t SELECT g, g FROM generate_series(1, 10) g");
            pair.target.execute("CREATE TABLE t (id int PRIMARY KEY, x int)", "INSERT INTO t VALUES (1, 1)");

            CommandRun text = check(pair, "it_check_json");
            CommandRun json = check(pair, "it_check_json", "--json");

            assertThat(json.exitCode()).as(json.toString()).isEqualTo(ExitCodes.CHECK_BLOCKED);
            JsonNode report = CommandRun.parse(json.stdout());
            assertThat(report.get("ready").asBoolean()).isFalse();
            assertThat(report.get("pipeline").asText()).isEqualTo("it_check_json");
            assertThat(report.at("/source/version").asText()).startsWith("17.");
            List<String> codes = new ArrayList<>();
            for (JsonNode finding : report.get("findings")) {
                codes.add(finding.get("code").asText());
            }
            assertThat(codes).isEqualTo(textCodes(text)).contains("replica_identity", "target_not_empty", "unused_index");
            assertThat(report.at("/summary/blocker").asInt()).isEqualTo(2);
            JsonNode blocker = report.get("findings").get(0);
            assertThat(blocker.get("severity").asText()).isEqualTo("blocker");
            assertThat(report.get("findings").findValuesAsText("object")).contains("\"public\".\"events\"",
                    "\"public\".\"t\"", "\"public\".\"t_x\"");
            JsonNode table = null;
            for (JsonNode candidate : report.get("tables")) {
                if (candidate.get("name").asText().equals("t")) {
                    table = candidate;
                }
            }
            assertThat(table).as("assessment of table t in %s", json.stdout()).isNotNull();
            assertThat(table.get("schema").asText()).isEqualTo("public");
            assertThat(table.get("total_bytes").asLong()).isPositive();
            assertThat(table.get("indexes").asInt()).isEqualTo(2);
            assertThat(table.get("unused_indexes").get(0).asText()).isEqualTo("\"public\".\"t_x\"");
            assertThat(table.get("inserts_per_second").isNumber() || table.get("inserts_per_second").isNull()).isTrue();
        }
    }

    @Test
    void shouldWarnThatTheSchemaCopyCreatesAnExtensionTheTargetLacks() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "check_ext", "it_check_ext")) {
            pair.source.execute("CREATE EXTENSION citext", "CREATE TABLE users (id int PRIMARY KEY, email citext)");

            CommandRun run = check(pair, "it_check_ext");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
            assertThat(run.stdout()).contains("[extension_not_installed] citext")
                    .contains("the schema copy creates it (CREATE EXTENSION \"citext\" SCHEMA \"public\")");

            pair.target.execute("CREATE EXTENSION citext");
            assertThat(check(pair, "it_check_ext").stdout()).doesNotContain("extension_not_installed");
        }
    }

    @Test
    void shouldReportAnExistingSlotAsAResumeAndAnActiveOneAsABlocker() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "check_slot", "it_check_slot")) {
            pair.source.execute("CREATE TABLE t (id int PRIMARY KEY)",
                    "SELECT pg_create_logical_replication_slot('walferry_it_check_slot', 'pgoutput')");

            CommandRun run = check(pair, "it_check_slot");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.OK);
            assertThat(run.stdout()).contains("[slot_exists] walferry_it_check_slot")
                    .contains("replicate resumes the pipeline from it");
        }
    }

    /**
     * An ordinary user on both sides: no REPLICATION, no SELECT, no publication FOR ALL TABLES on the
     * source; on the target (17) no session_replication_role, no CREATE on the database nor on schema
     * public (PostgreSQL 15 no longer grants it to every user). Roles belong to the whole server, so
     * the test drops its role again.
     */
    @Test
    void shouldBlockMissingPrivilegesOnBothSidesNamingTheGrants() throws Exception {
        String role = "walferry_it_check_app";
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "check_privileges", "it_check_priv")) {
            pair.source.execute("CREATE TABLE t (id int PRIMARY KEY)");
            for (SourceDatabase db : List.of(pair.source, pair.target)) {
                db.execute("DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'");
            }
            try {
                CommandRun run = CommandRun.run("check", "--source", asUser(pair.source, role), "--target",
                        asUser(pair.target, role), "--pipeline", "it_check_priv");

                assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CHECK_BLOCKED);
                assertThat(textCodes(run)).contains("replication_privilege", "select_privilege", "publication_privilege",
                        "session_replication_role", "target_schema_privilege", "target_create_privilege");
                assertThat(run.stdout()).contains("ALTER ROLE \"" + role + "\" REPLICATION")
                        .contains("GRANT SELECT ON \"public\".\"t\" TO \"" + role + "\"")
                        .contains("GRANT SET ON PARAMETER session_replication_role TO \"" + role + "\"")
                        .contains("GRANT CREATE ON SCHEMA \"public\" TO \"" + role + "\"")
                        .doesNotContain("pw@");
            } finally {
                for (SourceDatabase db : List.of(pair.source, pair.target)) {
                    db.execute("DROP ROLE " + role);
                }
            }
        }
    }

    private static String asUser(SourceDatabase db, String role) {
        return "postgresql://" + role + ":pw@" + db.server.host() + ":" + db.server.port() + "/" + db.name;
    }

    @Test
    void shouldExitWithCode3WhenAServerCannotBeReached() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "check_unreachable", "it_check_down")) {
            CommandRun noSource = CommandRun.run("check", "--source", "postgresql://nobody@127.0.0.1:1/none",
                    "--target", pair.target.url());
            CommandRun noTarget = CommandRun.run("check", "--source", pair.source.url(),
                    "--target", "postgresql://nobody:secret@127.0.0.1:1/none");

            assertThat(noSource.exitCode()).as(noSource.toString()).isEqualTo(ExitCodes.CANNOT_CONNECT);
            assertThat(noSource.stderr()).contains("cannot connect to the source at 127.0.0.1:1");
            assertThat(noTarget.exitCode()).as(noTarget.toString()).isEqualTo(ExitCodes.CANNOT_CONNECT);
            assertThat(noTarget.stderr()).contains("cannot connect to the target at 127.0.0.1:1")
                    .doesNotContain("secret");
        }
    }

    private static CommandRun check(ReplicaPair pair, String pipeline, String... extra) {
        List<String> args = new ArrayList<>(List.of("check", "--source", pair.source.url(), "--target",
                pair.target.url(), "--pipeline", pipeline));
        args.addAll(List.of(extra));
        return CommandRun.run(args.toArray(new String[0]));
    }

    private static List<String> textCodes(CommandRun run) {
        List<String> codes = new ArrayList<>();
        Matcher matcher = CODE_LINE.matcher(run.stdout());
        while (matcher.find()) {
            codes.add(matcher.group(1));
        }
        return codes;
    }

    private static void assertNothingCreated(ReplicaPair pair, String pipeline) throws Exception {
        assertThat(pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'walferry%'"
                + " AND database = ?")).as("walferry slots on the source").isZero();
        assertThat(pair.source.count("SELECT count(*) FROM pg_publication")).as("publications on the source").isZero();
        for (SourceDatabase db : List.of(pair.source, pair.target)) {
            assertThat(db.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry'"))
                    .as("schema walferry in %s", db.name).isZero();
        }
        assertThat(pair.target.count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'public'")).as("objects created on the target for pipeline %s", pipeline).isZero();
    }
}
