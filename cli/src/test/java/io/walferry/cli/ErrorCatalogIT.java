package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of bad inputs (docs/errors.md), one by one against real servers: each gives one
 * paragraph naming the object and the fix, its documented exit code, no stack trace without
 * {@code --verbose}, no password, and creates nothing it should not.
 */
class ErrorCatalogIT {
    private static final int VERSION = 17;

    @Test
    void unreachableHost() {
        CommandRun run = CommandRun.run("replicate", "--source", "postgresql://app:s3cret@127.0.0.1:1/shop",
                "--target", "postgresql://app@127.0.0.1:1/shop");

        assertOneParagraph(run, ExitCodes.CANNOT_CONNECT, "cannot connect to the source at 127.0.0.1:1",
                "Check the host and port, that the server is running");
    }

    @Test
    void missingDatabase() throws Exception {
        PgServer server = TestPostgres.server(VERSION);
        CommandRun run = CommandRun.run("replicate", "--source", server.libpqUrl("no_such_db"),
                "--target", server.libpqUrl("no_such_db"));

        assertOneParagraph(run, ExitCodes.CANNOT_CONNECT, "cannot connect to the source at",
                "database \"no_such_db\" does not exist",
                "Check the database name, or create the database");
    }

    @Test
    void missingTargetDatabase() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "err_target", "it_err_target")) {
            pair.source.execute("CREATE TABLE t (id int PRIMARY KEY)");
            String target = pair.target.server.libpqUrl("no_such_target");
            CommandRun run = CommandRun.run("replicate", "--source", pair.source.url(), "--target", target,
                    "--pipeline", "it_err_target");

            assertOneParagraph(run, ExitCodes.CANNOT_CONNECT, "cannot connect to the target at",
                    "database \"no_such_target\" does not exist", "Check the database name, or create the database");
        }
    }

    /** The embedded servers trust every login; this test gives one role password authentication. */
    @Test
    void wrongPassword() throws Exception {
        PgServer server = TestPostgres.server(VERSION);
        String database = server.createDatabase("err_password");
        Path hba;
        try (Connection sql = server.connect(database); Statement statement = sql.createStatement();
             ResultSet row = statement.executeQuery("SHOW hba_file")) {
            row.next();
            hba = Path.of(row.getString(1));
        }
        assumeTrue(Files.isWritable(hba), "the test needs to edit " + hba);
        String original = Files.readString(hba, StandardCharsets.UTF_8);
        try {
            Files.writeString(hba, "host all wf_password_it 127.0.0.1/32 scram-sha-256\n"
                    + "host all wf_password_it ::1/128 scram-sha-256\n" + original, StandardCharsets.UTF_8);
            execute(server, database, "DROP ROLE IF EXISTS wf_password_it",
                    "CREATE ROLE wf_password_it LOGIN PASSWORD 'the-right-one'", "SELECT pg_reload_conf()");
            String url = "postgresql://wf_password_it:Wr0ng-Secret@" + server.host() + ":" + server.port() + "/" + database;

            CommandRun run = CommandRun.run("replicate", "--source", url, "--target", url);

            assertOneParagraph(run, ExitCodes.CANNOT_CONNECT, "password authentication failed for user \"wf_password_it\"",
                    "Check the password of user \"wf_password_it\"; the password came from the connection string");
            assertThat(run.stdout() + run.stderr()).doesNotContain("Wr0ng-Secret");
        } finally {
            Files.writeString(hba, original, StandardCharsets.UTF_8);
            execute(server, database, "SELECT pg_reload_conf()", "DROP ROLE IF EXISTS wf_password_it");
        }
    }

    @Test
    void noReplicationPrivilege() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "err_norepl", "it_err_norepl")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            pair.source.execute("DROP ROLE IF EXISTS wf_norepl_it", "CREATE ROLE wf_norepl_it LOGIN",
                    "GRANT SELECT ON t TO wf_norepl_it");
            try {
                String source = "postgresql://wf_norepl_it@" + pair.source.server.host() + ":" + pair.source.server.port()
                        + "/" + pair.source.name;
                CommandRun run = CommandRun.run("replicate", "--source", source, "--target", pair.target.url(),
                        "--pipeline", "it_err_norepl", "--schema", "existing", "--no-copy-data");

                assertOneParagraph(run, ExitCodes.SOURCE_NOT_READY, "user \"wf_norepl_it\"", "may not start logical"
                        + " replication: grant it with ALTER ROLE \"wf_norepl_it\" REPLICATION");
                assertThat(pair.source.count("SELECT count(*) FROM pg_publication WHERE pubname = 'walferry_it_err_norepl'"))
                        .as("nothing created").isZero();
            } finally {
                pair.source.execute("DROP OWNED BY wf_norepl_it", "DROP ROLE wf_norepl_it");
            }
        }
    }

    @Test
    void noFreeReplicationSlot() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "err_slots", "it_err_slots")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            long free = pair.source.count("SELECT current_setting('max_replication_slots')::int"
                    + " - (SELECT count(*) FROM pg_replication_slots)");
            List<String> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < free; i++) {
                    String name = "wf_filler_it_" + i;
                    pair.source.execute("SELECT pg_create_physical_replication_slot('" + name + "')");
                    fillers.add(name);
                }
                CommandRun run = CommandRun.run(pair.replicate("--exit-when-caught-up"));

                assertOneParagraph(run, ExitCodes.SOURCE_NOT_READY, "replication slots of the source",
                        "are in use (max_replication_slots = ", "drop an unused one");
            } finally {
                for (String name : fillers) {
                    pair.source.execute("SELECT pg_drop_replication_slot('" + name + "')");
                }
            }
        }
    }

    @Test
    void slotOfThePipelinesNameBelongsToSomethingElse() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "err_other", "it_err_other")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            pair.source.execute("SELECT pg_create_logical_replication_slot('walferry_it_err_other', 'test_decoding')");

            CommandRun run = CommandRun.run(pair.replicate("--exit-when-caught-up"));

            assertOneParagraph(run, ExitCodes.SOURCE_NOT_READY, "replication slot walferry_it_err_other",
                    "uses the output plugin test_decoding", "choose another --pipeline name");
        }
    }

    @Test
    void targetTableDifferentFromTheSource() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "err_differs", "it_err_differs")) {
            pair.source.execute("CREATE TABLE t (id int PRIMARY KEY, total numeric(10,2))");
            pair.target.execute("CREATE TABLE t (id int PRIMARY KEY, total integer)");

            CommandRun run = CommandRun.run(pair.replicateWithLoad("--schema", "existing", "--exit-when-caught-up"));

            assertOneParagraph(run, ExitCodes.TARGET_ERROR, "--schema existing, but the target's tables do not match",
                    "column \"total\" is numeric(10,2) on the source, integer on the target");
            assertThat(pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_err_differs'"))
                    .as("no slot created").isZero();
        }
    }

    @Test
    void nonEmptyTargetTable() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "err_nonempty", "it_err_nonempty")) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            pair.target.execute("INSERT INTO t VALUES (1)");

            CommandRun run = CommandRun.run(pair.replicateWithLoad("--schema", "existing", "--exit-when-caught-up"));

            assertOneParagraph(run, ExitCodes.TARGET_ERROR, "target tables already hold rows: public.t",
                    "--truncate-target");
        }
    }

    @Test
    void keylessTableWithoutReplicaIdentity() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "err_keyless", "it_err_keyless")) {
            pair.source.execute("CREATE TABLE events (at timestamptz, note text)", "CREATE TABLE t (id int PRIMARY KEY)");

            CommandRun run = CommandRun.run(pair.replicateWithLoad("--exit-when-caught-up"));

            assertOneParagraph(run, ExitCodes.SOURCE_NOT_READY, "tables without a primary key or other replica identity:"
                    + " public.events", "ALTER TABLE ... REPLICA IDENTITY FULL", "--exclude");
            assertThat(pair.source.count("SELECT count(*) FROM pg_publication WHERE pubname = 'walferry_it_err_keyless'"))
                    .as("no publication: the source's UPDATEs keep working").isZero();
            pair.source.execute("UPDATE events SET note = 'still allowed'");
        }
    }

    @Test
    void invalidUrlAndOption() {
        CommandRun url = CommandRun.run("replicate", "--source", "postgresql://app@host:notaport/db", "--target",
                "postgresql://app@h/db");
        assertThat(url.exitCode()).as(url.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(url.stderr()).contains("notaport").doesNotContain("\tat ");

        CommandRun jobs = CommandRun.run("replicate", "--source", "postgresql://a@h/db", "--target", "postgresql://a@h/db",
                "--jobs", "0");
        assertThat(jobs.exitCode()).as(jobs.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(jobs.stderr()).contains("--jobs 0 is out of range: give 1 to 64");

        CommandRun unknown = CommandRun.run("replicate", "--sauce", "x");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.stderr()).contains("Unknown options: '--sauce', 'x'");
    }

    private static void assertOneParagraph(CommandRun run, int exitCode, String... fragments) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        String stderr = run.stderr().strip();
        assertThat(stderr).startsWith("walferry replicate: ").doesNotContain("\tat ").doesNotContain("\n");
        for (String fragment : fragments) {
            assertThat(stderr).contains(fragment);
        }
    }

    private static void execute(PgServer server, String database, String... statements) throws Exception {
        try (Connection sql = server.connect(database); Statement statement = sql.createStatement()) {
            for (String command : statements) {
                statement.execute(command);
            }
        }
    }
}
