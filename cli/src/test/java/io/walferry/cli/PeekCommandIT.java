package io.walferry.cli;

import static io.walferry.cli.CommandRun.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.walferry.testkit.AllPgVersions;
import io.walferry.testkit.TestPostgres;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;

/** {@code walferry peek} against real servers of every version: what it prints, and that it cleans up. */
class PeekCommandIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldPrintEveryChangeAsJsonLinesAndLeaveNothingBehind(int version) throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(version), "peek_changes")) {
            db.execute("CREATE TABLE public.orders (id int PRIMARY KEY, note text, price numeric(10,2))");
            CompletableFuture<CommandRun> peek = CommandRun.start("peek", "--source", db.url(), "--limit", "18");
            db.awaitPeekSlot();

            db.execute("BEGIN",
                    "INSERT INTO orders VALUES (1, 'first', 9.50), (2, E'tab\\t\"quoted\" \\\\ \uD83D\uDE00', NULL)",
                    "COMMIT",
                    "UPDATE orders SET note = 'changed' WHERE id = 1",
                    "UPDATE orders SET id = 3 WHERE id = 2",
                    "DELETE FROM orders WHERE id = 1",
                    "SELECT pg_logical_emit_message(true, 'walferry', 'hello')",
                    "SELECT pg_logical_emit_message(false, 'walferry', 'not in a transaction')");
            CommandRun run = CommandRun.await(peek);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String second = "{'id':'2','note':'tab\\t\\'quoted\\' \\\\ \uD83D\uDE00','price':null}".replace("\\'", "\\u0022");
            assertThat(run.stableMessages()).containsExactly(
                    json("{'op':'begin'}"),
                    json("{'op':'relation','table':'public.orders','replica_identity':'default','columns':["
                            + "{'name':'id','type_oid':23,'typmod':-1,'key':true},"
                            + "{'name':'note','type_oid':25,'typmod':-1,'key':false},"
                            + "{'name':'price','type_oid':1700,'typmod':655366,'key':false}]}"),
                    json("{'op':'insert','table':'public.orders','new':{'id':'1','note':'first','price':'9.50'}}"),
                    json("{'op':'insert','table':'public.orders','new':" + second + "}"),
                    json("{'op':'commit'}"),
                    json("{'op':'begin'}"),
                    json("{'op':'update','table':'public.orders','new':{'id':'1','note':'changed','price':'9.50'}}"),
                    json("{'op':'commit'}"),
                    json("{'op':'begin'}"),
                    json("{'op':'update','table':'public.orders','old_kind':'key','old':{'id':'2'},'new':"
                            + second.replace("'id':'2'", "'id':'3'") + "}"),
                    json("{'op':'commit'}"),
                    json("{'op':'begin'}"),
                    json("{'op':'delete','table':'public.orders','old_kind':'key','old':{'id':'1'}}"),
                    json("{'op':'commit'}"),
                    json("{'op':'begin'}"),
                    json("{'op':'message','transactional':true,'prefix':'walferry','content':'hello'}"),
                    json("{'op':'commit'}"),
                    json("{'op':'message','transactional':false,'prefix':'walferry','content':'not in a transaction'}"));
            assertTransactionsCarryTheirXid(run.messages());
            assertThat(run.messages().get(17).has("xid")).isFalse();
            db.assertNoLeftovers();
        }
    }

    /** Every message between a begin and its commit carries the begin's xid; xids grow. */
    private static void assertTransactionsCarryTheirXid(List<JsonNode> messages) {
        long xid = -1;
        long previous = -1;
        for (JsonNode message : messages) {
            String op = message.get("op").asText();
            if (op.equals("begin")) {
                xid = message.get("xid").asLong();
                assertThat(xid).isGreaterThan(previous);
                previous = xid;
            } else if (xid >= 0) {
                assertThat(message.get("xid").asLong()).as("xid of %s", message).isEqualTo(xid);
            }
            if (op.equals("commit")) {
                xid = -1;
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldPrintALargeTransactionAsStreamedSegments(int version) throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(version), "peek_streamed")) {
            db.execute("CREATE TABLE big (id int PRIMARY KEY, filler text)");
            StopAfter stdout = new StopAfter("\"op\":\"stream_commit\"");
            CompletableFuture<CommandRun> peek = CompletableFuture.supplyAsync(
                    () -> CommandRun.run(stdout.writer(), stdout.text(), "peek", "--source", db.url()));
            db.awaitPeekSlot();

            // logical_decoding_work_mem is 64kB on test servers: this transaction is streamed in progress.
            db.execute("INSERT INTO big SELECT i, repeat('x', 200) FROM generate_series(1, 3000) i");
            CommandRun run = CommandRun.await(peek);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            List<JsonNode> messages = run.messages();
            assertThat(messages.get(0).get("op").asText()).isEqualTo("stream_start");
            assertThat(messages.get(0).get("first_segment").asBoolean()).isTrue();
            long xid = messages.get(0).get("xid").asLong();
            assertThat(messages).allSatisfy(message -> assertThat(message.get("xid").asLong()).isEqualTo(xid));
            assertThat(messages.stream().filter(m -> m.get("op").asText().equals("insert"))).hasSize(3000);
            assertThat(messages.get(messages.size() - 1).get("op").asText()).isEqualTo("stream_commit");
            assertThat(messages.stream().map(m -> m.get("op").asText()).distinct())
                    .containsExactly("stream_start", "relation", "insert", "stream_stop", "stream_commit");
            db.assertNoLeftovers();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldPrintPreparedTransactionsAtPrepareFromProtocolThree(int version) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(version >= 15, "two-phase decoding needs PostgreSQL 15");
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(version), "peek_2pc")) {
            db.execute("CREATE TABLE t (id int PRIMARY KEY)");
            CompletableFuture<CommandRun> peek = CommandRun.start("peek", "--source", db.url(), "--limit", "8");
            db.awaitPeekSlot();

            db.execute("BEGIN", "INSERT INTO t VALUES (1)", "PREPARE TRANSACTION 'walferry-gid-1'",
                    "COMMIT PREPARED 'walferry-gid-1'",
                    "BEGIN", "INSERT INTO t VALUES (2)", "PREPARE TRANSACTION 'walferry-gid-2'",
                    "ROLLBACK PREPARED 'walferry-gid-2'");
            CommandRun run = CommandRun.await(peek);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stableMessages()).containsExactly(
                    json("{'op':'begin_prepare','gid':'walferry-gid-1'}"),
                    json("{'op':'relation','table':'public.t','replica_identity':'default',"
                            + "'columns':[{'name':'id','type_oid':23,'typmod':-1,'key':true}]}"),
                    json("{'op':'insert','table':'public.t','new':{'id':'1'}}"),
                    json("{'op':'prepare','gid':'walferry-gid-1'}"),
                    json("{'op':'commit_prepared','gid':'walferry-gid-1'}"),
                    json("{'op':'begin_prepare','gid':'walferry-gid-2'}"),
                    json("{'op':'insert','table':'public.t','new':{'id':'2'}}"),
                    json("{'op':'prepare','gid':'walferry-gid-2'}"));
            db.assertNoLeftovers();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldPrintUnchangedToastValuesAndBinaryValuesAsTheirTextForm(int version) throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(version), "peek_toast")) {
            db.execute("CREATE TABLE docs (id int PRIMARY KEY, title text, body text, price numeric(8,2),"
                            + " at timestamptz, tags text[], flag bool, uid uuid)",
                    "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
                    "INSERT INTO docs VALUES (1, 'a', repeat('0123456789', 1000), 0, now(), '{}', false, NULL)");
            // One peek after the other: on PostgreSQL 14 a second peek's CREATE PUBLICATION would
            // show up in the first one's stream as an empty transaction.
            String update = "UPDATE docs SET title = 'b', price = -12.50, at = '2024-05-01 10:15:30.5+00',"
                    + " tags = '{x,\"y z\",NULL}', flag = true, uid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' WHERE id = 1";
            CommandRun textRun = peekAt(db, update, "--limit", "4");
            CommandRun binaryRun = peekAt(db, update, "--limit", "4", "--binary");

            assertThat(textRun.exitCode()).as(textRun.toString()).isZero();
            assertThat(binaryRun.exitCode()).as(binaryRun.toString()).isZero();
            JsonNode expected = json("{'op':'update','table':'public.docs','new':{'id':'1','title':'b',"
                    + "'body':{'unchanged':true},'price':'-12.50','at':'2024-05-01 10:15:30.5+00',"
                    + "'tags':'{x,\\'y z\\',NULL}','flag':'t','uid':'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'}}"
                    .replace("\\'", "\\u0022"));
            assertThat(textRun.stableMessages().get(2)).isEqualTo(expected);
            assertThat(binaryRun.stableMessages().get(2)).isEqualTo(expected);
            db.assertNoLeftovers();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldConfirmWhatItPrintedSoTheSlotHoldsNoWal(int version) throws Exception {
        try (SourceDatabase db = new SourceDatabase(TestPostgres.server(version), "peek_feedback")) {
            db.execute("CREATE TABLE t (id int PRIMARY KEY)");
            StopAfter stdout = new StopAfter("\"prefix\":\"walferry-test-stop\"");
            CompletableFuture<CommandRun> peek = CompletableFuture.supplyAsync(
                    () -> CommandRun.run(stdout.writer(), stdout.text(), "peek", "--source", db.url()));
            db.awaitPeekSlot();

            db.execute("INSERT INTO t VALUES (1)");
            String committedUpTo;
            try (java.sql.Statement statement = db.sql.createStatement();
                 java.sql.ResultSet rows = statement.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
                rows.next();
                committedUpTo = "'" + rows.getString(1) + "'::pg_lsn";
            }
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            String behind = "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'walferry\\_peek\\_%'"
                    + " AND database = ? AND confirmed_flush_lsn < " + committedUpTo;
            // The INSERT's commit is confirmed with the next status update (every 2 s), and pgjdbc
            // moves the flush position on to the WAL end of later keepalives.
            while (db.count(behind) > 0) {
                assertThat(System.nanoTime()).as("confirmed_flush_lsn reaches the WAL position after the INSERT").isLessThan(deadline);
                Thread.sleep(100); // polling the catalog: status updates have no event to wait on
            }

            db.execute("SELECT pg_logical_emit_message(false, 'walferry-test-stop', '')");
            CommandRun run = CommandRun.await(peek);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stableMessages()).extracting(m -> m.get("op").asText())
                    .containsExactly("begin", "relation", "insert", "commit", "message");
            db.assertNoLeftovers();
        }
    }

    /** Runs peek with {@code options}, and {@code statement} on the source once its slot exists. */
    private static CommandRun peekAt(SourceDatabase db, String statement, String... options) throws Exception {
        String[] args = new String[options.length + 3];
        args[0] = "peek";
        args[1] = "--source";
        args[2] = db.url();
        System.arraycopy(options, 0, args, 3, options.length);
        CompletableFuture<CommandRun> peek = CommandRun.start(args);
        db.awaitPeekSlot();
        db.execute(statement);
        return CommandRun.await(peek);
    }
}
