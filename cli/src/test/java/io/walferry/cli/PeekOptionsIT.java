package io.walferry.cli;

import static io.walferry.cli.CommandRun.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@code walferry peek} options, and its failures: exit codes and messages. */
class PeekOptionsIT {

    @Test
    void shouldPublishOnlyTheTablesMatchingThePatterns() throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(TestPostgres.newestVersion()), "peek_tables")) {
            db.execute("CREATE SCHEMA sales", "CREATE TABLE sales.orders_2024 (id int PRIMARY KEY)",
                    "CREATE TABLE sales.customers (id int PRIMARY KEY)", "CREATE TABLE public.orders (id int PRIMARY KEY)");
            CompletableFuture<CommandRun> peek = CommandRun.start("peek", "--source", db.url(),
                    "--tables", "sales.orders_*", "--limit", "4");
            db.awaitPeekSlot();

            db.execute("INSERT INTO sales.customers VALUES (1)", "INSERT INTO public.orders VALUES (1)",
                    "INSERT INTO sales.orders_2024 VALUES (7)");
            CommandRun run = CommandRun.await(peek);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stableMessages()).containsExactly(
                    json("{'op':'begin'}"),
                    json("{'op':'relation','table':'sales.orders_2024','replica_identity':'default',"
                            + "'columns':[{'name':'id','type_oid':23,'typmod':-1,'key':true}]}"),
                    json("{'op':'insert','table':'sales.orders_2024','new':{'id':'7'}}"),
                    json("{'op':'commit'}"));
            db.assertNoLeftovers();
        }
    }

    @Test
    void shouldRefuseTablePatternsThatMatchNothing() throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(TestPostgres.newestVersion()), "peek_nomatch")) {
            db.execute("CREATE TABLE sales (id int PRIMARY KEY)");

            CommandRun run = CommandRun.run("peek", "--source", db.url(), "--tables", "nosuch*,other.x");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.stderr()).contains("no table in database \"" + db.name + "\"").contains("nosuch*, other.x");
            db.assertNoLeftovers();
        }
    }

    @Test
    void shouldStreamAnExistingPublicationAndKeepIt() throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(TestPostgres.newestVersion()), "peek_pub")) {
            db.execute("CREATE TABLE a (id int PRIMARY KEY)", "CREATE TABLE b (id int PRIMARY KEY)",
                    "CREATE PUBLICATION mine FOR TABLE b");
            CompletableFuture<CommandRun> peek = CommandRun.start("peek", "--source", db.url(),
                    "--publication", "mine", "--limit", "3");
            db.awaitPeekSlot();

            db.execute("INSERT INTO a VALUES (1)", "INSERT INTO b VALUES (2)");
            CommandRun run = CommandRun.await(peek);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stableMessages()).containsExactly(
                    json("{'op':'begin'}"),
                    json("{'op':'relation','table':'public.b','replica_identity':'default',"
                            + "'columns':[{'name':'id','type_oid':23,'typmod':-1,'key':true}]}"),
                    json("{'op':'insert','table':'public.b','new':{'id':'2'}}"));
            assertThat(db.count("SELECT count(*) FROM pg_publication WHERE pubname = 'mine'")).isOne();
            db.assertNoLeftovers();
        }
    }

    @Test
    void shouldExitFourNamingAPublicationThatDoesNotExist() throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(TestPostgres.newestVersion()), "peek_nopub")) {
            CommandRun run = CommandRun.run("peek", "--source", db.url(), "--publication", "absent");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
            assertThat(run.stderr()).startsWith("walferry peek: publication \"absent\" does not exist in database \""
                    + db.name + "\"").contains("CREATE PUBLICATION");
            assertThat(run.stdout()).isEmpty();
            db.assertNoLeftovers();
        }
    }

    @Test
    void shouldRefuseAProtocolVersionAboveWhatPostgres14Supports() throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(14), "peek_proto")) {
            CommandRun run = CommandRun.run("peek", "--source", db.url(), "--proto-version", "4");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.stderr()).contains("--proto-version 4 is higher than the source supports")
                    .containsPattern("PostgreSQL 14\\.\\d+")
                    .contains("versions 1 to 2")
                    .contains("--proto-version 2");
            db.assertNoLeftovers();
        }
    }

    @Test
    void shouldAcceptALowerProtocolVersion() throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(TestPostgres.newestVersion()), "peek_v1")) {
            db.execute("CREATE TABLE t (id int PRIMARY KEY)");
            CompletableFuture<CommandRun> peek = CommandRun.start("peek", "--source", db.url(),
                    "--proto-version", "1", "--limit", "3");
            db.awaitPeekSlot();

            db.execute("INSERT INTO t VALUES (1)");
            CommandRun run = CommandRun.await(peek);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stableMessages()).extracting(m -> m.get("op").asText())
                    .containsExactly("begin", "relation", "insert");
            db.assertNoLeftovers();
        }
    }

    @Test
    void shouldAcceptJdbcUrlsAndKeywordValueStrings() throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(TestPostgres.newestVersion()), "peek_forms")) {
            db.execute("CREATE TABLE t (id int PRIMARY KEY)");
            String keywordValue = "host=" + db.server.host() + " port=" + db.server.port() + " dbname='" + db.name
                    + "' user='" + db.server.user() + "'"
                    + (db.server.password() == null ? "" : " password='" + db.server.password().replace("\\", "\\\\").replace("'", "\\'") + "'");
            int id = 0;
            for (String source : new String[] {db.server.jdbcUrl(db.name), keywordValue}) {
                CompletableFuture<CommandRun> peek = CommandRun.start("peek", "--source", source, "--limit", "3");
                db.awaitPeekSlot();
                db.execute("INSERT INTO t VALUES (" + ++id + ")");
                CommandRun run = CommandRun.await(peek);

                assertThat(run.exitCode()).as(run.toString()).isZero();
                assertThat(run.stableMessages()).extracting(m -> m.get("op").asText())
                        .containsExactly("begin", "relation", "insert");
                db.assertNoLeftovers();
            }
        }
    }

    @Test
    void shouldExitThreeNamingHostAndPortButNotThePasswordWhenTheHostIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CommandRun run = CommandRun.run("peek", "--source",
                "postgresql://app:pw-Sup3rSecret@127.0.0.1:" + closedPort + "/shop");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(run.stderr()).startsWith("walferry peek: cannot connect to the source at 127.0.0.1:" + closedPort)
                .contains("database \"shop\"").contains("user \"app\"")
                .doesNotContain("pw-Sup3rSecret").doesNotContain("Sup3r");
        assertThat(run.stderr().strip().lines()).hasSize(1);
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void shouldShowTheStackTraceOnlyWithVerbose() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "postgresql://app:pw-Sup3rSecret@127.0.0.1:" + closedPort + "/shop";

        CommandRun run = CommandRun.run("peek", "--verbose", "--source", url);

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(run.stderr()).contains("at io.walferry.engine.source.SourceConnector").doesNotContain("Sup3r");
    }

    @Test
    void shouldExitTwoForInvalidOptionsAndConnectionStrings() {
        CommandRun unknown = CommandRun.run("peek", "--no-such-option");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.stderr()).contains("Unknown option: '--no-such-option'");

        CommandRun badUrl = CommandRun.run("peek", "--source", "postgresql://u:Secret@h:notaport/d");
        assertThat(badUrl.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.stderr()).contains("port: notaport").doesNotContain("Secret");

        CommandRun both = CommandRun.run("peek", "--source", "host=h", "--publication", "p", "--tables", "t");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.stderr()).contains("exclude each other");

        assertThat(CommandRun.run("peek", "--source", "host=h", "--limit", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CommandRun.run("peek", "--source", "host=h", "--proto-version", "5").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CommandRun.run().exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void shouldPrintHelpAndVersionOnEveryCommand() {
        CommandRun help = CommandRun.run("peek", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("Usage: walferry peek").contains("--proto-version").contains("--limit");
        CommandRun version = CommandRun.run("peek", "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).startsWith("walferry ");
        assertThat(CommandRun.run("--version").stdout()).startsWith("walferry ");
        assertThat(CommandRun.run("--help").stdout()).contains("peek");
    }
}
