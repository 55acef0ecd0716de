package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.walferry.cli.bench.PgbenchProgram;
import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code walferry bench} between two embedded PostgreSQL 17 servers, with small workloads and the
 * transactional apply mode: the numbers are printed, the target holds the source's rows, and nothing
 * the bench created is left on either server. The {@code --generator pgbench} runs need a pgbench on
 * the PATH and are skipped without one; the failing-pgbench test runs a shell script in its place.
 */
class BenchCommandIT {
    private static final String ACCOUNTS = "walferry_bench.accounts";
    private static final String HISTORY = "walferry_bench.history";

    @Test
    void shouldDrainABacklogIntoRowsEqualToTheSourceAndKeepTheTablesWhenAsked() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_backlog", "it_bench_backlog")) {
            CommandRun run = CommandRun.run(bench(pair, "--transactions", "300", "--accounts", "1000",
                    "--apply-lanes", "3", "--keep-tables"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String out = run.stdout();
            assertThat(out).contains("walferry bench: oltp, a backlog of 300 transactions written with replication"
                    + " stopped, then drained").contains("walferry (batched, 3 lanes)");
            assertThat(number(out, "written +([\\d,]+) transactions")).isEqualTo(300);
            assertThat(number(out, "written +[\\d,]+ transactions, ([\\d,]+) rows")).isEqualTo(600);
            assertThat(decimal(out, "drain time +(\\d+\\.\\d{3}) s")).isPositive();
            assertThat(number(out, "transactions/s +([\\d,]+)")).isPositive();
            assertThat(number(out, "rows/s +([\\d,]+)")).isPositive();
            assertThat(out).containsPattern("target = source +yes");
            assertThat(pair.source.count("SELECT count(*) FROM " + HISTORY)).isEqualTo(300);
            pair.assertSameRows(ACCOUNTS, HISTORY);
            assertThat(leftovers(pair)).containsExactly("schema walferry_bench on the source",
                    "schema walferry_bench on the target");
        }
    }

    @Test
    void shouldCompareWithANativeSubscriptionAndRemoveEverythingItCreated() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_native", "it_bench_native")) {
            CommandRun run = CommandRun.run(bench(pair, "--transactions", "300", "--accounts", "1000",
                    "--compare-native"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String out = run.stdout();
            assertThat(out).contains("native subscription").containsPattern("target = source +yes +yes");
            Matcher drain = Pattern.compile("drain time +(\\d+\\.\\d{3}) s +(\\d+\\.\\d{3}) s").matcher(out);
            assertThat(drain.find()).as(out).isTrue();
            double walferry = Double.parseDouble(drain.group(1));
            double nativeSeconds = Double.parseDouble(drain.group(2));
            assertThat(nativeSeconds).isPositive();
            assertThat(decimal(out, "walferry / native +(\\d+\\.\\d\\d) ")).isCloseTo(walferry / nativeSeconds,
                    org.assertj.core.data.Offset.offset(0.01 + 0.01 * walferry / nativeSeconds));
            assertThat(out).contains("subscription walferry_it_bench_native_native on the target",
                    "replication slot walferry_it_bench_native_native", "replication slot walferry_it_bench_native");
            assertThat(leftovers(pair)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"bulk-update, builtin", "inserts, builtin", "bulk-update, pgbench", "inserts, pgbench"})
    void shouldReplicateEachWorkloadExactly(String workload, String generator) throws Exception {
        if (generator.equals("pgbench")) {
            assumeTrue(pgbenchOnPath(), "no pgbench on the PATH");
        }
        String pipeline = "it_bench_" + workload.replace('-', '_') + "_" + generator;
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), pipeline, pipeline)) {
            CommandRun run = CommandRun.run(bench(pair, "--workload", workload, "--transactions", "3",
                    "--accounts", "2000", "--keep-tables", "--generator", generator));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stdout()).contains("  generator  " + generator);
            assertThat(number(run.stdout(), "written +([\\d,]+) transactions")).isEqualTo(3);
            assertThat(number(run.stdout(), "written +[\\d,]+ transactions, ([\\d,]+) rows"))
                    .isEqualTo(workload.equals("inserts") ? 300 : 6000);
            pair.assertSameRows(ACCOUNTS, HISTORY);
            assertThat(pair.target.count("SELECT count(*) FROM " + ACCOUNTS + " WHERE abalance = "
                    + (workload.equals("inserts") ? 0 : 3))).isEqualTo(2000);
        }
    }

    @Test
    void shouldDrainABacklogWrittenByPgbenchIntoRowsEqualToTheSource() throws Exception {
        assumeTrue(pgbenchOnPath(), "no pgbench on the PATH");
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_pgbench", "it_bench_pgbench")) {
            List<Path> scriptDirectories = pgbenchDirectories();
            CommandRun run = CommandRun.run(bench(pair, "--generator", "pgbench", "--transactions", "300",
                    "--clients", "3", "--accounts", "1000", "--keep-tables"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            String out = run.stdout();
            assertThat(out).contains("walferry bench: oltp, a backlog of 300 transactions written with replication"
                    + " stopped, then drained").containsPattern("generator  pgbench: .*pgbench, pgbench \\(PostgreSQL\\)");
            assertThat(number(out, "written +([\\d,]+) transactions")).isEqualTo(300);
            assertThat(number(out, "written +[\\d,]+ transactions, ([\\d,]+) rows")).isEqualTo(600);
            assertThat(out).containsPattern("target = source +yes");
            assertThat(pair.source.count("SELECT count(*) FROM " + HISTORY)).isEqualTo(300);
            pair.assertSameRows(ACCOUNTS, HISTORY);
            assertThat(leftovers(pair)).containsExactly("schema walferry_bench on the source",
                    "schema walferry_bench on the target");
            assertThat(pgbenchDirectories()).as("the script's directory is removed").isEqualTo(scriptDirectories);
        }
    }

    @Test
    void shouldStreamAPgbenchWorkloadLiveAndReportWhatItCommitted() throws Exception {
        assumeTrue(pgbenchOnPath(), "no pgbench on the PATH");
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_pgbench_live", "it_bench_pgbench_live")) {
            CommandRun run = CommandRun.run(bench(pair, "--generator", "pgbench", "--duration", "2s", "--rate", "100",
                    "--clients", "2", "--accounts", "1000", "--json", "--keep-tables"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode report = CommandRun.parse(run.stdout().strip());
            assertThat(report.get("generator").get("name").asText()).isEqualTo("pgbench");
            assertThat(report.get("generator").get("version").asText()).startsWith("pgbench (PostgreSQL) ");
            long written = report.get("written").get("transactions").asLong();
            assertThat(written).isPositive().isEqualTo(pair.source.count("SELECT count(*) FROM " + HISTORY));
            assertThat(report.get("written").get("rows").asLong()).isEqualTo(2 * written);
            assertThat(report.get("written").get("seconds").asDouble()).isGreaterThanOrEqualTo(2.0);
            JsonNode walferry = report.get("walferry");
            assertThat(walferry.get("transactions").asLong()).isEqualTo(written);
            assertThat(walferry.get("rows").asLong()).isEqualTo(2 * written);
            assertThat(walferry.get("target_equals_source").asBoolean()).isTrue();
            assertThat(report.get("lag").get("samples").asInt()).isGreaterThan(50);
            pair.assertSameRows(ACCOUNTS, HISTORY);
        }
    }

    /**
     * The source asks this login for its password (the embedded servers trust every other): pgbench
     * can only have had it from the environment the bench gave it.
     */
    @Test
    void shouldGivePgbenchThePasswordOfTheSourceInItsEnvironment() throws Exception {
        assumeTrue(pgbenchOnPath(), "no pgbench on the PATH");
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_pgbench_pw", "it_bench_pgbench_pw")) {
            PgServer server = pair.source.server;
            Path hba;
            try (Statement statement = pair.source.sql.createStatement();
                 ResultSet row = statement.executeQuery("SHOW hba_file")) {
                row.next();
                hba = Path.of(row.getString(1));
            }
            assumeTrue(Files.isWritable(hba), "the test needs to edit " + hba);
            String original = Files.readString(hba, StandardCharsets.UTF_8);
            String password = "Pgbench-Pw-4711";
            try {
                Files.writeString(hba, "host all wf_bench_pw_it 127.0.0.1/32 scram-sha-256\n"
                        + "host all wf_bench_pw_it ::1/128 scram-sha-256\n" + original, StandardCharsets.UTF_8);
                pair.source.execute("DROP ROLE IF EXISTS wf_bench_pw_it",
                        "CREATE ROLE wf_bench_pw_it LOGIN SUPERUSER PASSWORD '" + password + "'", "SELECT pg_reload_conf()");
                String source = "postgresql://wf_bench_pw_it:" + password + "@" + server.host() + ":" + server.port()
                        + "/" + pair.source.name;

                CommandRun run = CommandRun.run("bench", "--source", source, "--target", pair.target.url(),
                        "--pipeline", pair.pipelineName(), "--generator", "pgbench", "--transactions", "20",
                        "--accounts", "100");

                assertThat(run.exitCode()).as(run.toString()).isZero();
                assertThat(number(run.stdout(), "written +([\\d,]+) transactions")).isEqualTo(20);
                assertThat(run.stdout()).containsPattern("target = source +yes");
                assertThat(run.stdout() + run.stderr()).doesNotContain(password);
                assertThat(leftovers(pair)).isEmpty();
            } finally {
                Files.writeString(hba, original, StandardCharsets.UTF_8);
                pair.source.execute("SELECT pg_reload_conf()", "DROP ROLE IF EXISTS wf_bench_pw_it");
            }
        }
    }

    /**
     * A pgbench that fails (a script in its place that notes how it was started): the error quotes its
     * error output, the exit code is 4 (3 when it could not connect), the password was in its
     * environment only, and everything the bench created is removed, its script too.
     */
    @Test
    void shouldReportAFailingPgbenchWithItsErrorOutputAndRemoveEverything(@TempDir Path directory) throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "needs a POSIX shell");
        Path fake = directory.resolve("pgbench");
        Files.writeString(fake, "#!/bin/sh\n"
                + "if [ \"$1\" = --version ]; then echo 'pgbench (PostgreSQL) 17.0'; exit 0; fi\n"
                + "printf '%s\\n' \"$@\" > '" + directory.resolve("arguments") + "'\n"
                + "env | grep '^PG' | sort > '" + directory.resolve("environment") + "'\n"
                + "cp \"$5\" '" + directory.resolve("script.sql") + "'\n"
                + "if [ -f '" + directory.resolve("refuse-connections") + "' ]; then\n"
                + "  echo 'pgbench: error: connection to server at \"db1\" (10.0.0.1), port 5432 failed: timeout expired' >&2\n"
                + "  echo 'pgbench: error: could not create connection for setup' >&2\n"
                + "  exit 1\n"
                + "fi\n"
                + "echo 'pgbench: error: client 1 script 0 aborted in command 3 query 0: ERROR:  permission denied for"
                + " table accounts' >&2\n"
                + "echo 'pgbench: error: Run was aborted; the above results are incomplete.' >&2\n"
                + "exit 2\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_pgbench_fail", "it_bench_pgbench_fail")) {
            PgServer server = pair.source.server;
            String password = server.password() != null ? server.password() : "Bench-Secret-7";
            String source = server.password() != null ? pair.source.url() : "postgresql://" + server.user() + ":"
                    + password + "@" + server.host() + ":" + server.port() + "/" + pair.source.name;

            CommandRun run = CommandRun.run("bench", "--source", source, "--target", pair.target.url(), "--pipeline",
                    pair.pipelineName(), "--generator", "pgbench", "--pgbench", fake.toString(), "--transactions", "10",
                    "--clients", "2", "--accounts", "100");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
            assertThat(run.stderr()).contains("walferry bench: " + fake + " exited with status 2 while writing the oltp"
                    + " workload to the source", "its error output: pgbench: error: client 1 script 0 aborted in command 3"
                    + " query 0: ERROR:  permission denied for table accounts | pgbench: error: Run was aborted",
                    "or use --generator builtin").doesNotContain("Exception");
            assertThat(run.stdout() + run.stderr()).doesNotContain(password);
            List<String> arguments = Files.readAllLines(directory.resolve("arguments"));
            assertThat(arguments).doesNotContain(password).containsSequence("-c", "2", "-j")
                    .containsSequence("-t", "5").startsWith("-n", "-M", "prepared", "-f");
            assertThat(Path.of(arguments.get(4))).as("the script is removed").doesNotExist();
            assertThat(Files.readAllLines(directory.resolve("environment"))).contains("PGPASSWORD=" + password,
                    "PGHOST=" + server.host(), "PGPORT=" + server.port(), "PGDATABASE=" + pair.source.name,
                    "PGUSER=" + server.user(), "PGSSLMODE=prefer");
            assertThat(Files.readString(directory.resolve("script.sql"))).contains("UPDATE walferry_bench.accounts SET"
                    + " abalance = abalance + :delta WHERE aid = :aid", "\\set aid random(1, 100)");
            assertThat(leftovers(pair)).isEmpty();

            Files.createFile(directory.resolve("refuse-connections"));
            CommandRun refused = CommandRun.run("bench", "--source", source, "--target", pair.target.url(),
                    "--pipeline", pair.pipelineName(), "--generator", "pgbench", "--pgbench", fake.toString(),
                    "--transactions", "10", "--accounts", "100");

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.CANNOT_CONNECT);
            assertThat(refused.stderr()).contains(" exited with status 1 while writing the oltp workload",
                    "port 5432 failed: timeout expired | pgbench: error: could not create connection for setup. Check"
                            + " that libpq reaches the source with the --source settings");
            assertThat(leftovers(pair)).isEmpty();
        }
    }

    @Test
    void shouldMeasureLagWhileStreamingLiveAndReportItAsJson() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_live", "it_bench_live")) {
            CommandRun run = CommandRun.run(bench(pair, "--duration", "2s", "--rate", "100", "--accounts", "1000",
                    "--clients", "2", "--apply-mode", "transactional", "--json"));

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode report = CommandRun.parse(run.stdout().strip());
            assertThat(report.get("mode").asText()).isEqualTo("live");
            long written = report.get("written").get("transactions").asLong();
            assertThat(written).isBetween(20L, 220L);
            JsonNode walferry = report.get("walferry");
            assertThat(walferry.get("transactions").asLong()).isEqualTo(written);
            assertThat(walferry.get("rows").asLong()).isEqualTo(2 * written);
            assertThat(walferry.get("rows_per_second").asDouble()).isPositive();
            assertThat(walferry.get("target_equals_source").asBoolean()).isTrue();
            JsonNode lag = report.get("lag");
            assertThat(lag.get("samples").asInt()).isGreaterThan(50);
            assertThat(lag.get("interval_ms").asInt()).isEqualTo(10);
            double p50 = lag.get("p50_seconds").asDouble();
            double p99 = lag.get("p99_seconds").asDouble();
            double max = lag.get("max_seconds").asDouble();
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            assertThat(p99).isLessThanOrEqualTo(max);
            assertThat(lag.get("caught_up_seconds").asDouble()).isNotNegative();
            assertThat(report.get("native").isNull()).isTrue();
            assertThat(report.get("left_behind")).isEmpty();
            assertThat(leftovers(pair)).isEmpty();
        }
    }

    @Test
    void shouldRemoveEverythingWhenStoppedBySigterm() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_stop", "it_bench_stop");
             WalferryProcess running = WalferryProcess.start(List.of(), bench(pair, "--duration", "120s", "--rate",
                     "50", "--accounts", "1000", "--apply-mode", "transactional"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pair.target.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry_bench'") == 0
                    || pair.target.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry'") == 0
                    || pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name ="
                            + " 'walferry_it_bench_stop' AND active") == 0
                    || pair.source.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry_bench'") == 0
                    || pair.source.count("SELECT count(*) FROM walferry_bench.history") < 10) {
                assertThat(System.nanoTime()).as(running.stderr()).isLessThan(deadline);
                Thread.sleep(50); // the bench's progress has no event to wait on from here
            }

            int exit = running.terminate(Duration.ofSeconds(60));

            assertThat(exit).as(running.stderr()).isZero();
            assertThat(running.stderr()).contains("removing what the bench created");
            assertThat(leftovers(pair)).isEmpty();
        }
    }

    @Test
    void shouldRefuseASchemaItDidNotCreateAndTouchNothing() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_refuse", "it_bench_refuse")) {
            pair.source.execute("CREATE SCHEMA walferry_bench", "CREATE TABLE walferry_bench.mine (id int)",
                    "INSERT INTO walferry_bench.mine VALUES (1)");

            CommandRun run = CommandRun.run(bench(pair, "--transactions", "10", "--accounts", "100"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
            assertThat(run.stderr()).contains("schema walferry_bench already exists on the source")
                    .contains("(holding mine)").contains("will not use or drop one it did not create");
            assertThat(pair.source.count("SELECT count(*) FROM walferry_bench.mine")).isEqualTo(1);
            assertThat(leftovers(pair)).containsExactly("schema walferry_bench on the source");
        }
    }

    @Test
    void shouldRefuseAPipelineOfItsNameThatExistsAndTouchNothing() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "bench_taken", "it_bench_taken")) {
            pair.source.execute("SELECT pg_create_logical_replication_slot('walferry_it_bench_taken', 'pgoutput')");

            CommandRun run = CommandRun.run(bench(pair, "--transactions", "10", "--accounts", "100"));

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
            assertThat(run.stderr()).contains("replication slot or publication walferry_it_bench_taken exists on the"
                    + " source").contains("walferry cleanup --source ... --target ... --pipeline it_bench_taken --yes");
            assertThat(leftovers(pair)).containsExactly("slots on the source");
        }
    }

    @Test
    void shouldRefuseOptionsThatDoNotGoTogether() {
        String[] base = {"bench", "--source", "postgresql://nobody@127.0.0.1:1/none", "--target",
            "postgresql://nobody@127.0.0.1:1/none"};
        assertUsage(join(base, "--apply-mode", "fast"), "--apply-mode fast is not an apply mode");
        assertUsage(join(base, "--apply-mode", "transactional", "--apply-lanes", "2"), "--apply-lanes applies to");
        assertUsage(join(base, "--compare-native", "--duration", "5s"), "--compare-native needs a backlog");
        assertUsage(join(base, "--duration", "5s", "--transactions", "10"), "exclude each other");
        assertUsage(join(base, "--workload", "bulk-update", "--clients", "2"), "takes one client");
        assertUsage(join(base, "--duration", "soon"), "--duration soon is not a duration");
        assertUsage(join(base, "--workload", "tpcc"), "--workload tpcc is not a workload");
        assertUsage(join(base, "--generator", "jmeter"), "--generator jmeter is not a generator (expected: builtin or"
                + " pgbench)");
        assertUsage(join(base, "--pgbench", "/usr/bin/pgbench"), "--pgbench applies to --generator pgbench only");
        assertUsage(join(base, "--generator", "pgbench", "--transactions", "10", "--clients", "3"), "--transactions 10"
                + " with --clients 3: pgbench gives every client the same number of transactions (-t), so give a"
                + " multiple of 3 (such as 9 or 12), or use --generator builtin");
        assertUsage(join(base, "--generator", "pgbench", "--duration", "1500ms"), "--duration 1500ms with --generator"
                + " pgbench: pgbench's -T takes whole seconds, so give --duration in whole seconds (such as 2s)");
    }

    /** Refused before connecting: the servers of these command lines do not exist. */
    @Test
    void shouldRefuseAPgbenchThatCannotRunBeforeConnecting(@TempDir Path directory) throws IOException {
        String[] base = {"bench", "--source", "postgresql://nobody@127.0.0.1:1/none", "--target",
            "postgresql://nobody@127.0.0.1:1/none", "--generator", "pgbench", "--transactions", "10"};
        Path missing = directory.resolve("bin/pgbench");
        assertUsage(join(base, "--pgbench", missing.toString()), "--pgbench " + missing + ": no such file");

        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path notExecutable = Files.writeString(directory.resolve("pgbench"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-------"));
        assertUsage(join(base, "--pgbench", notExecutable.toString()), "--pgbench " + notExecutable + " is not"
                + " executable: give the path of PostgreSQL's pgbench program, or make this one executable (chmod +x "
                + notExecutable + ")");

        Files.writeString(notExecutable, "#!/bin/sh\necho 'pgbench: unexpected option' >&2\nexit 1\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rwx------"));
        assertUsage(join(base, "--pgbench", notExecutable.toString()), "--pgbench " + notExecutable + " is not"
                + " PostgreSQL's pgbench: for --version it printed \"pgbench: unexpected option\" and exited with status 1");
    }

    private static boolean pgbenchOnPath() {
        try {
            PgbenchProgram.locate(null, System.getenv("PATH"));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The pgbench script directories in the temporary directory now. */
    private static List<Path> pgbenchDirectories() throws IOException {
        try (Stream<Path> paths = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return new ArrayList<>(new TreeSet<>(paths.filter(path -> path.getFileName().toString()
                    .startsWith("walferry-bench-pgbench-")).toList()));
        }
    }

    private static void assertUsage(String[] args, String message) {
        CommandRun run = CommandRun.run(args);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr()).contains(message);
    }

    private static String[] bench(ReplicaPair pair, String... extra) {
        return join(new String[] {"bench", "--source", pair.source.url(), "--target", pair.target.url(),
            "--pipeline", pair.pipelineName()}, extra);
    }

    private static String[] join(String[] first, String... second) {
        String[] args = new String[first.length + second.length];
        System.arraycopy(first, 0, args, 0, first.length);
        System.arraycopy(second, 0, args, first.length, second.length);
        return args;
    }

    /** What of the bench's is on either server: its schemas, slots, publications, subscription, schema walferry. */
    private static List<String> leftovers(ReplicaPair pair) throws Exception {
        List<String> found = new ArrayList<>();
        String objects = "'walferry\\_" + pair.pipelineName().replace("_", "\\_") + "%'";
        if (pair.source.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry_bench'") > 0) {
            found.add("schema walferry_bench on the source");
        }
        if (pair.target.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry_bench'") > 0) {
            found.add("schema walferry_bench on the target");
        }
        if (pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE " + objects) > 0) {
            found.add("slots on the source");
        }
        if (pair.source.count("SELECT count(*) FROM pg_publication WHERE pubname LIKE " + objects) > 0) {
            found.add("publications on the source");
        }
        if (pair.target.count("SELECT count(*) FROM pg_subscription WHERE subname LIKE " + objects) > 0) {
            found.add("subscriptions on the target");
        }
        if (pair.target.count("SELECT count(*) FROM pg_namespace WHERE nspname = 'walferry'") > 0) {
            found.add("schema walferry on the target");
        }
        return found;
    }

    private static long number(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("/%s/ in:%n%s", regex, text).isTrue();
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }

    private static double decimal(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("/%s/ in:%n%s", regex, text).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
