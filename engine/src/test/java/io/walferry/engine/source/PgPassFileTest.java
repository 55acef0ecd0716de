package io.walferry.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgPassFileTest {
    @TempDir
    Path directory;

    private PgPassFile file(String content) throws Exception {
        return file(content, "rw-------");
    }

    private PgPassFile file(String content, String permissions) throws Exception {
        Path path = directory.resolve("pgpass");
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        return PgPassFile.read(path);
    }

    @Test
    void shouldMatchAllFourFieldsExactly() throws Exception {
        PgPassFile file = file("db1:5432:shop:app:pw1\n");
        assertThat(file.find("db1", "5432", "shop", "app")).isEqualTo("pw1");
        assertThat(file.find("db2", "5432", "shop", "app")).isNull();
        assertThat(file.find("db1", "5433", "shop", "app")).isNull();
        assertThat(file.find("db1", "5432", "shop2", "app")).isNull();
        assertThat(file.find("db1", "5432", "shop", "ap")).isNull();
        assertThat(file.find("db", "5432", "shop", "app")).isNull();
    }

    @Test
    void shouldTreatAStarFieldAsWildcardButNotAStarInsideAField() throws Exception {
        PgPassFile file = file("*:*:shop:*:pw\ndb*:5432:*:*:never\n");
        assertThat(file.find("any", "1", "shop", "anyone")).isEqualTo("pw");
        assertThat(file.find("db1", "5432", "other", "u")).isNull();
        assertThat(file.find("db*", "5432", "other", "u")).isEqualTo("never");
    }

    @Test
    void shouldTakeTheFirstMatchingLine() throws Exception {
        PgPassFile file = file("db1:5432:shop:app:first\n*:*:*:*:second\n");
        assertThat(file.find("db1", "5432", "shop", "app")).isEqualTo("first");
        assertThat(file.find("db9", "5432", "shop", "app")).isEqualTo("second");
    }

    @Test
    void shouldUnescapeColonsAndBackslashes() throws Exception {
        PgPassFile file = file("h\\:x:5432:d\\\\b:u:p\\:a\\\\ss\\:\n");
        assertThat(file.find("h:x", "5432", "d\\b", "u")).isEqualTo("p:a\\ss:");
    }

    @Test
    void shouldEndThePasswordAtAnUnescapedColon() throws Exception {
        assertThat(file("h:1:d:u:pass:extra\n").find("h", "1", "d", "u")).isEqualTo("pass");
    }

    @Test
    void shouldMatchIpv6HostWrittenWithEscapedColons() throws Exception {
        assertThat(file("\\:\\:1:5432:d:u:v6\n").find("::1", "5432", "d", "u")).isEqualTo("v6");
    }

    @Test
    void shouldSkipCommentsBlankLinesCarriageReturnsAndShortLines() throws Exception {
        PgPassFile file = file("# h:1:d:u:commented\n\nh:1:d\nh:1:d:u:crlf\r\n");
        assertThat(file.find("h", "1", "d", "u")).isEqualTo("crlf");
    }

    @Test
    void shouldAllowAnEmptyPassword() throws Exception {
        assertThat(file("h:1:d:u:\n").find("h", "1", "d", "u")).isEmpty();
    }

    @Test
    void shouldIgnoreAFileOthersCanRead() throws Exception {
        PgPassFile worldReadable = file("*:*:*:*:pw\n", "rw-r--r--");
        assertThat(worldReadable.find("h", "1", "d", "u")).isNull();
        assertThat(worldReadable.warning()).contains("group or world access").contains("0600");

        PgPassFile groupWritable = file("*:*:*:*:pw\n", "rw--w----");
        assertThat(groupWritable.find("h", "1", "d", "u")).isNull();

        PgPassFile ownerOnly = file("*:*:*:*:pw\n", "r--------");
        assertThat(ownerOnly.find("h", "1", "d", "u")).isEqualTo("pw");
        assertThat(ownerOnly.warning()).isNull();
    }

    @Test
    void shouldIgnoreADirectoryAndAMissingFile() throws Exception {
        assertThat(PgPassFile.read(directory).warning()).contains("not a plain file");
        PgPassFile missing = PgPassFile.read(directory.resolve("absent"));
        assertThat(missing.warning()).isNull();
        assertThat(missing.find("h", "1", "d", "u")).isNull();
    }

    @Test
    void shouldLocateTheFileFromPgpassfileOrHome() {
        SourceEnvironment explicit = new SourceEnvironment(Map.of("PGPASSFILE", "/x/pass"), directory, "u");
        assertThat(PgPassFile.location(explicit)).isEqualTo(Path.of("/x/pass"));
        SourceEnvironment implicit = new SourceEnvironment(Map.of(), directory, "u");
        assertThat(PgPassFile.location(implicit)).isEqualTo(directory.resolve(".pgpass"));
    }
}
