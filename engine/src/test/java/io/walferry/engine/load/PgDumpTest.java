package io.walferry.engine.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding pg_dump's version, and how it is started: the password in its environment only. */
class PgDumpTest {
    @TempDir
    Path directory;

    @Test
    void shouldReadTheMajorVersionOfReleasesAndPreReleases() throws IOException {
        assertThat(PgDump.probe(fake("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)")))
                .extracting(PgDump::version, PgDump::major).containsExactly("15.20", 15);
        assertThat(PgDump.probe(fake("pg_dump (PostgreSQL) 18beta1"))).extracting(PgDump::major).isEqualTo(18);
    }

    @Test
    void shouldSayWhyAPathIsNotAUsablePgDump() throws IOException {
        Path missing = directory.resolve("missing");
        assertThatThrownBy(() -> PgDump.probe(missing)).isInstanceOf(EngineException.class)
                .hasMessage(missing + " is not a usable pg_dump: there is no such file")
                .satisfies(e -> assertThat(((EngineException) e).failure()).isEqualTo(Failure.INVALID_INPUT));
        assertThatThrownBy(() -> PgDump.probe(fake("psql (PostgreSQL) 17.2"))).isInstanceOf(EngineException.class)
                .hasMessageContaining("'--version' printed no pg_dump version (psql (PostgreSQL) 17.2)");
    }

    @Test
    void shouldPassThePasswordInTheEnvironmentAndNeverOnTheCommandLine() {
        ConnectionSpec source = ConnectionSpec.parse("postgresql://app:s3cret@db1:6432/my%20db?sslmode=require");

        ProcessBuilder process = PgDump.process(Path.of("/usr/bin/pg_dump"),
                List.of("--section=pre-data", "--dbname=" + PgDump.conninfo(source)), source.password());

        assertThat(String.join(" ", process.command())).doesNotContain("s3cret")
                .contains("--dbname=host='db1' port='6432' dbname='my db' user='app' sslmode='require'");
        assertThat(process.environment()).containsEntry("PGPASSWORD", "s3cret")
                .allSatisfy((name, value) -> assertThat(name.equals("PGPASSWORD") || !name.startsWith("PG")).isTrue());
    }

    @Test
    void shouldQuoteConninfoValues() {
        ConnectionSpec source = ConnectionSpec.parse("postgresql://app@db1/it's%5Ca%3Db");

        assertThat(PgDump.conninfo(source)).contains("dbname='it\\'s\\\\a=b'");
    }

    private Path fake(String versionLine) throws IOException {
        Path script = Files.createTempFile(directory, "pg_dump", "");
        Files.writeString(script, "#!/bin/sh\necho '" + versionLine + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
