package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.walferry.testkit.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code walferry replicate --pg-dump PATH}: a load by pg_dump that hands off to the stream, a
 * pg_dump too old for the source refused with exit code 2, and the option refused without
 * {@code --schema copy}. Needs Debian's PostgreSQL client packages (/usr/lib/postgresql/N/bin);
 * skipped without them.
 */
class PgDumpCommandIT {
    private static final String[] SCHEMA = {
        "CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, updated timestamptz)",
        "CREATE VIEW big_items AS SELECT id, v FROM items WHERE v > 500",
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated := now(); RETURN NEW; END;$$",
        "CREATE TRIGGER touch_items BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch()",
        "INSERT INTO items SELECT i, i % 1000 FROM generate_series(1, 5000) i",
    };

    @Test
    void shouldLoadWithPgDumpAndThenStream() throws Exception {
        Path pgDump = debianPgDump(major -> major >= 14);
        assumeTrue(pgDump != null, "no /usr/lib/postgresql/N/bin/pg_dump of version 14 or later");
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(14, 17), "pgdump_cli", "it_pgdump")) {
            pair.source.execute(SCHEMA);

            CommandRun loaded = CommandRun.run(pair.replicateWithLoad("--pg-dump", pgDump.toString(),
                    "--exit-when-caught-up"));
            assertThat(loaded.exitCode()).as(loaded.toString()).isZero();
            pair.source.execute("UPDATE items SET v = v + 1 WHERE id <= 100", "INSERT INTO items VALUES (5001, 999)");
            CommandRun streamed = CommandRun.run(pair.replicateWithLoad("--exit-when-caught-up"));
            assertThat(streamed.exitCode()).as(streamed.toString()).isZero();

            pair.assertSameRows("items", "big_items");
            assertThat(pair.target.count("SELECT count(*) FROM pg_trigger WHERE tgname = 'touch_items'")).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseAPgDumpOlderThanTheSourceWithExitCode2() throws Exception {
        Path pgDump = debianPgDump(major -> major < 17);
        assumeTrue(pgDump != null, "no /usr/lib/postgresql/N/bin/pg_dump older than 17");
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "pgdump_old", "it_pgdump_old")) {
            pair.source.execute(SCHEMA);

            CommandRun refused = CommandRun.run(pair.replicateWithLoad("--pg-dump", pgDump.toString()));

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.stderr()).contains("--pg-dump " + pgDump + " is pg_dump ")
                    .contains("older than the source's PostgreSQL 17.")
                    .contains("give --pg-dump the path of a pg_dump of version 17 or later");
            assertThat(pair.target.count("SELECT count(pg_catalog.to_regclass('walferry.load_state'))")).isZero();
        }
    }

    @Test
    void shouldRefusePgDumpWithAnExistingSchema() {
        CommandRun refused = CommandRun.run("replicate", "--source", "postgresql://app@db1/shop", "--target",
                "postgresql://app@db2/shop", "--schema", "existing", "--pg-dump", "/usr/bin/pg_dump");

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.stderr()).contains("--pg-dump /usr/bin/pg_dump applies to --schema copy only");
    }

    /** The newest /usr/lib/postgresql/N/bin/pg_dump whose N passes {@code wanted}, or null. */
    private static Path debianPgDump(IntPredicate wanted) throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(dir -> dir.getFileName().toString().matches("\\d+"))
                    .filter(dir -> wanted.test(Integer.parseInt(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin/pg_dump")).filter(Files::isExecutable)
                    .max(Comparator.comparingInt(path -> Integer.parseInt(path.getParent().getParent().getFileName()
                            .toString())))
                    .orElse(null);
        }
    }
}
