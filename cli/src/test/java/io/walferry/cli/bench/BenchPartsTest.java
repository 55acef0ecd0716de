package io.walferry.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walferry.engine.source.ConnectionSpec;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's pieces that need no server. */
class BenchPartsTest {

    @Test
    void shouldTakePercentilesByNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = (i + 1) * 1_000_000L;
        }
        assertThat(LagSampler.percentile(sorted, 0.50)).isEqualTo(0.050);
        assertThat(LagSampler.percentile(sorted, 0.99)).isEqualTo(0.099);
        assertThat(LagSampler.percentile(new long[] {7_000_000L}, 0.99)).isEqualTo(0.007);
        assertThat(LagSampler.percentile(new long[] {1_000_000L, 2_000_000L, 3_000_000L}, 0.50)).isEqualTo(0.002);
        assertThat(LagSampler.percentile(new long[0], 0.5)).isZero();
    }

    @Test
    void shouldQuoteEveryConninfoValueForTheSubscription() {
        ConnectionSpec source = ConnectionSpec.parse("postgresql://app:it%27s%5Cx@db1:5433/shop?sslmode=require");

        assertThat(NativeSubscription.conninfo(source)).isEqualTo("host='db1' port='5433' dbname='shop' user='app'"
                + " password='it\\'s\\\\x' sslmode='require'");
    }

    @Test
    void shouldNameTheWorkloadsAsTheOptionTakesThem() {
        assertThat(Workload.parse("oltp")).isEqualTo(Workload.OLTP);
        assertThat(Workload.parse("Bulk-Update")).isEqualTo(Workload.BULK_UPDATE);
        assertThat(Workload.parse("inserts")).isEqualTo(Workload.INSERTS);
        assertThat(Workload.parse("tpcc")).isNull();
    }

    @Test
    void shouldGivePgbenchTheBuiltinGeneratorsTransactionAsAScript() {
        assertThat(PgbenchWorkload.script(Workload.OLTP, 1000)).isEqualTo("""
                \\set aid random(1, 1000)
                \\set delta random(-5000, 5000)
                BEGIN;
                UPDATE walferry_bench.accounts SET abalance = abalance + :delta WHERE aid = :aid RETURNING abalance;
                INSERT INTO walferry_bench.history (aid, delta, mtime) VALUES (:aid, :delta, localtimestamp);
                END;
                """);
        assertThat(PgbenchWorkload.script(Workload.BULK_UPDATE, 1000))
                .isEqualTo("UPDATE walferry_bench.accounts SET abalance = abalance + 1;\n");
        assertThat(PgbenchWorkload.script(Workload.INSERTS, 1000)).isEqualTo("""
                \\set base random(0, 999)
                \\set delta random(-5000, 5000)
                INSERT INTO walferry_bench.history (aid, delta, mtime) SELECT 1 + (CAST(:base AS bigint) + g * 7919) \
                % 1000, :delta, localtimestamp FROM pg_catalog.generate_series(1, 100) g;
                """);
    }

    @Test
    void shouldDividePgbenchsTransactionsAmongItsClientsOrRunForWholeSeconds() {
        Path script = Path.of("/tmp/x/oltp.sql");

        assertThat(PgbenchWorkload.arguments(script, 4, 2, 300, 0, 0)).containsExactly("-n", "-M", "prepared", "-f",
                script.toString(), "-c", "4", "-j", "2", "-t", "75");
        assertThat(PgbenchWorkload.arguments(script, 2, 2, 0, 3_000_000_000L, 100.5)).containsExactly("-n", "-M",
                "prepared", "-f", script.toString(), "-c", "2", "-j", "2", "-T", "3", "-R", "100.5");
        assertThat(PgbenchWorkload.arguments(script, 1, 1, 0, 60_000_000_000L, 200)).endsWith("-T", "60", "-R", "200");
        assertThat(PgbenchWorkload.threads(1)).isEqualTo(1);
        assertThat(PgbenchWorkload.threads(64)).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void shouldConnectPgbenchWithTheSourceSettingsOnlyAndThePasswordInItsEnvironment() {
        ConnectionSpec source = ConnectionSpec.parse("postgresql://app:s3cret@db1:5433/shop?sslmode=verify-full"
                + "&sslrootcert=/etc/ca.pem");
        Map<String, String> environment = new HashMap<>(Map.of("PATH", "/usr/bin", "PGHOST", "elsewhere",
                "PGSERVICE", "other", "PGPASSFILE", "/home/x/.pgpass", "PGOPTIONS", "-c work_mem=1GB"));

        PgbenchWorkload.configureEnvironment(environment, source, Path.of("/tmp/x/no-password-file"));

        assertThat(environment).containsEntry("PATH", "/usr/bin").containsEntry("PGHOST", "db1")
                .containsEntry("PGPORT", "5433").containsEntry("PGDATABASE", "shop").containsEntry("PGUSER", "app")
                .containsEntry("PGPASSWORD", "s3cret").containsEntry("PGSSLMODE", "verify-full")
                .containsEntry("PGSSLROOTCERT", "/etc/ca.pem").containsEntry("PGCONNECT_TIMEOUT", "10")
                .doesNotContainKeys("PGSERVICE", "PGPASSFILE", "PGOPTIONS", "PGSSLCERT", "PGSSLKEY");

        Map<String, String> withoutPassword = new HashMap<>(Map.of("PGPASSWORD", "from-elsewhere"));
        PgbenchWorkload.configureEnvironment(withoutPassword, new ConnectionSpec("db1", 5432, "shop", "app", null,
                source.passwordSource(), source.sslMode(), null, null, null, 10, "walferry", Map.of("options",
                "-c search_path=x")), Path.of("/tmp/x/no-password-file"));
        assertThat(withoutPassword).doesNotContainKey("PGPASSWORD")
                .containsEntry("PGPASSFILE", Path.of("/tmp/x/no-password-file").toString())
                .containsEntry("PGOPTIONS", "-c search_path=x");
    }

    @Test
    void shouldReadPgbenchsTransactionsAndItsErrors() {
        assertThat(PgbenchOutput.transactionsProcessed("pgbench (15.20)\nnumber of clients: 3\n"
                + "number of transactions actually processed: 300/300\nnumber of failed transactions: 0 (0.000%)\n"))
                .isEqualTo(300);
        assertThat(PgbenchOutput.transactionsProcessed("duration: 2 s\nnumber of transactions actually processed: 37\n"))
                .isEqualTo(37);
        assertThat(PgbenchOutput.transactionsProcessed("")).isEqualTo(-1);

        String prepareFailed = """
                pgbench: error: ERROR:  relation "walferry_bench.accounts" does not exist
                LINE 1: UPDATE walferry_bench.accounts SET abalance = abalance + 1
                               ^
                pgbench: error: client 3 script 0 aborted in command 0 query 0: ERROR:  prepared statement "P_0" does not exist
                pgbench: error: client 2 script 0 aborted in command 0 query 0: ERROR:  prepared statement "P_0" does not exist
                pgbench: error: client 1 script 0 aborted in command 0 query 0: ERROR:  prepared statement "P_0" does not exist
                pgbench: error: client 0 script 0 aborted in command 0 query 0: ERROR:  prepared statement "P_0" does not exist
                pgbench: error: Run was aborted; the above results are incomplete.
                """;
        assertThat(PgbenchOutput.errorExcerpt(prepareFailed)).startsWith("pgbench: error: ERROR:  relation"
                + " \"walferry_bench.accounts\" does not exist | ... | ^ | pgbench: error: client 3 script 0")
                .endsWith("| pgbench: error: Run was aborted; the above results are incomplete.");
        assertThat(PgbenchOutput.errorExcerpt("pgbench: error: connection to server at \"127.0.0.1\", port 1 failed:"
                + " Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n"))
                .isEqualTo("pgbench: error: connection to server at \"127.0.0.1\", port 1 failed: Connection refused"
                        + " | Is the server running on that host and accepting TCP/IP connections?");
        assertThat(PgbenchOutput.errorExcerpt("")).isEqualTo("(no error output)");
        assertThat(PgbenchOutput.connectionFailed("pgbench: error: connection to server at \"h\", port 1 failed:"))
                .isTrue();
        assertThat(PgbenchOutput.connectionFailed(prepareFailed)).isFalse();
    }

    @Test
    void shouldNameTheFixWhenNoPgbenchCanBeRun(@TempDir Path directory) throws IOException {
        assertThatThrownBy(() -> PgbenchProgram.locate(null, directory.toString()))
                .hasMessageStartingWith("--generator pgbench: no pgbench program on the PATH: install PostgreSQL's"
                        + " client programs").hasMessageEndingWith("or use --generator builtin");
        Path missing = directory.resolve("bin/pgbench");
        assertThatThrownBy(() -> PgbenchProgram.locate(missing.toString(), null))
                .hasMessageStartingWith("--pgbench " + missing + ": no such file");
        assertThatThrownBy(() -> PgbenchProgram.locate(directory.toString(), null))
                .hasMessageStartingWith("--pgbench " + directory + " is a directory");

        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path notPgbench = Files.writeString(directory.resolve("pgbench"), "#!/bin/sh\necho 'psql (PostgreSQL) 17'\n");
        Files.setPosixFilePermissions(notPgbench, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> PgbenchProgram.locate(notPgbench.toString(), null))
                .hasMessage("--pgbench " + notPgbench + " is not executable: give the path of PostgreSQL's pgbench"
                        + " program, or make this one executable (chmod +x " + notPgbench + ")");
        assertThatThrownBy(() -> PgbenchProgram.locate(null, directory.toString()))
                .hasMessageStartingWith("--generator pgbench: no pgbench program on the PATH");

        Files.setPosixFilePermissions(notPgbench, PosixFilePermissions.fromString("rwx------"));
        assertThatThrownBy(() -> PgbenchProgram.locate(null, "/nonexistent" + java.io.File.pathSeparator + directory))
                .hasMessageStartingWith("--generator pgbench: " + notPgbench + " (the first pgbench on the PATH) is not"
                        + " PostgreSQL's pgbench: for --version it printed \"psql (PostgreSQL) 17\" (expected: pgbench"
                        + " (PostgreSQL) VERSION)");
    }

    @Test
    void shouldTakeTheFirstPgbenchOnThePathAndItsVersion(@TempDir Path directory) throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path fake = Files.writeString(directory.resolve("pgbench"), "#!/bin/sh\necho 'pgbench (PostgreSQL) 17.2'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

        PgbenchProgram program = PgbenchProgram.locate(null, "/nonexistent" + java.io.File.pathSeparator + directory);

        assertThat(program).isEqualTo(new PgbenchProgram(fake, "pgbench (PostgreSQL) 17.2"));
    }
}
