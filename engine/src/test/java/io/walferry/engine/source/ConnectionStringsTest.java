package io.walferry.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionStringsTest {
    @TempDir
    Path home;

    private final Map<String, String> variables = new HashMap<>();

    private ConnectionSpec parse(String text) {
        return ConnectionStrings.parse(text, new SourceEnvironment(variables, home, "osuser"));
    }

    private EngineException parseError(String text) {
        try {
            parse(text);
        } catch (EngineException e) {
            return e;
        }
        throw new AssertionError("expected an error");
    }

    @Test
    void shouldParseFullLibpqUrl() {
        ConnectionSpec spec = parse("postgresql://app:s3cret@db1.example.com:6543/shop?sslmode=verify-full"
                + "&sslrootcert=/etc/ca.pem&sslcert=/etc/c.pem&sslkey=/etc/k.pk8&connect_timeout=7&application_name=x");
        assertThat(spec.host()).isEqualTo("db1.example.com");
        assertThat(spec.port()).isEqualTo(6543);
        assertThat(spec.database()).isEqualTo("shop");
        assertThat(spec.user()).isEqualTo("app");
        assertThat(spec.password()).isEqualTo("s3cret");
        assertThat(spec.passwordSource()).isEqualTo(PasswordSource.CONNECTION_STRING);
        assertThat(spec.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(spec.sslRootCert()).isEqualTo("/etc/ca.pem");
        assertThat(spec.sslCert()).isEqualTo("/etc/c.pem");
        assertThat(spec.sslKey()).isEqualTo("/etc/k.pk8");
        assertThat(spec.connectTimeoutSeconds()).isEqualTo(7);
        assertThat(spec.applicationName()).isEqualTo("x");
    }

    @Test
    void shouldAcceptShortSchemeAndApplyDefaults() {
        ConnectionSpec spec = parse("postgres://");
        assertThat(spec.host()).isEqualTo("localhost");
        assertThat(spec.port()).isEqualTo(5432);
        assertThat(spec.user()).isEqualTo("osuser");
        assertThat(spec.database()).isEqualTo("osuser");
        assertThat(spec.password()).isNull();
        assertThat(spec.passwordSource()).isEqualTo(PasswordSource.NONE);
        assertThat(spec.sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(spec.connectTimeoutSeconds()).isEqualTo(ConnectionSpec.DEFAULT_CONNECT_TIMEOUT_SECONDS);
    }

    @Test
    void shouldTakeDefaultsFromPgEnvironmentVariables() {
        variables.put("PGHOST", "envhost");
        variables.put("PGPORT", "7000");
        variables.put("PGUSER", "envuser");
        variables.put("PGDATABASE", "envdb");
        variables.put("PGSSLMODE", "require");
        variables.put("PGCONNECT_TIMEOUT", "3");
        variables.put("PGSSLROOTCERT", "/ca");
        ConnectionSpec spec = parse("postgresql:///");
        assertThat(spec.hostAndPort()).isEqualTo("envhost:7000");
        assertThat(spec.user()).isEqualTo("envuser");
        assertThat(spec.database()).isEqualTo("envdb");
        assertThat(spec.sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(spec.connectTimeoutSeconds()).isEqualTo(3);
        assertThat(spec.sslRootCert()).isEqualTo("/ca");
    }

    @Test
    void shouldDefaultDatabaseToUserName() {
        assertThat(parse("postgresql://alice@host").database()).isEqualTo("alice");
    }

    @Test
    void shouldPercentDecodeEveryComponent() {
        ConnectionSpec spec = parse("postgresql://us%40er:p%3Aa%2Fs%40s%25w%20rd@ho%73t:5432/my%20db%2F%C3%A9?application_name=a%26b");
        assertThat(spec.user()).isEqualTo("us@er");
        assertThat(spec.password()).isEqualTo("p:a/s@s%w rd");
        assertThat(spec.host()).isEqualTo("host");
        assertThat(spec.database()).isEqualTo("my db/é");
        assertThat(spec.applicationName()).isEqualTo("a&b");
    }

    @Test
    void shouldKeepPlusLiteralInLibpqUrl() {
        assertThat(parse("postgresql://u:a+b@h/d").password()).isEqualTo("a+b");
    }

    @Test
    void shouldRejectBadPercentEncodingWithoutEchoingThePassword() {
        EngineException e = parseError("postgresql://u:sec%zzret@h/d");
        assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
        assertThat(e.getMessage()).contains("password").doesNotContain("sec").doesNotContain("zz");
        assertThat(parseError("postgresql://u@h/d%2").getMessage()).contains("database name");
        assertThat(parseError("postgresql://u@h/d%00").getMessage()).contains("%00");
    }

    @Test
    void shouldParseIpv6HostInBrackets() {
        ConnectionSpec spec = parse("postgresql://u@[2001:db8::1]:5433/d");
        assertThat(spec.host()).isEqualTo("2001:db8::1");
        assertThat(spec.port()).isEqualTo(5433);
        assertThat(spec.hostAndPort()).isEqualTo("[2001:db8::1]:5433");
        assertThat(spec.jdbcUrl()).isEqualTo("jdbc:postgresql://[2001:db8::1]:5433/d");
        assertThat(parse("postgresql://[::1]/d").host()).isEqualTo("::1");
        assertThat(parse("postgresql://[::1]").port()).isEqualTo(5432);
    }

    @Test
    void shouldRejectUnclosedIpv6Host() {
        assertThat(parseError("postgresql://u@[::1:5432/d").getMessage()).contains("']'");
    }

    @Test
    void shouldLetQueryParametersOverrideThePath() {
        ConnectionSpec spec = parse("postgresql://u@h/a?dbname=b&user=v&host=k&port=1234&password=pw");
        assertThat(spec.database()).isEqualTo("b");
        assertThat(spec.user()).isEqualTo("v");
        assertThat(spec.hostAndPort()).isEqualTo("k:1234");
        assertThat(spec.password()).isEqualTo("pw");
    }

    @Test
    void shouldMapSslTrueToRequireInLibpqUrl() {
        assertThat(parse("postgresql://h/d?ssl=true").sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(parse("postgresql://h/d?sslmode=disable&ssl=true").sslMode()).isEqualTo(SslMode.DISABLE);
    }

    @Test
    void shouldRejectUnknownParameterNamingIt() {
        EngineException e = parseError("postgresql://h/d?target_session_attrs=any");
        assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
        assertThat(e.getMessage()).contains("\"target_session_attrs\"").contains("sslmode");
    }

    @Test
    void shouldRejectInvalidSslModeAndPort() {
        assertThat(parseError("postgresql://h/d?sslmode=maybe").getMessage()).contains("sslmode: maybe")
                .contains("verify-full");
        assertThat(parseError("postgresql://h:99999/d").getMessage()).contains("port: 99999");
        assertThat(parseError("postgresql://h:abc/d").getMessage()).contains("port: abc");
        assertThat(parseError("host=h connect_timeout=-1").getMessage()).contains("connect_timeout: -1");
    }

    @Test
    void shouldRejectSeveralHostsAndUnixSockets() {
        assertThat(parseError("postgresql://h1,h2/d").getMessage()).contains("several hosts");
        assertThat(parseError("host=/var/run/postgresql dbname=d").getMessage()).contains("Unix-domain socket");
        assertThat(parseError("jdbc:postgresql://h1:1,h2:2/d").getMessage()).contains("several hosts");
    }

    @Test
    void shouldParseKeywordValueString() {
        ConnectionSpec spec = parse("host=db1 port=5433 dbname=shop user=app password=pw sslmode=require");
        assertThat(spec.hostAndPort()).isEqualTo("db1:5433");
        assertThat(spec.database()).isEqualTo("shop");
        assertThat(spec.user()).isEqualTo("app");
        assertThat(spec.password()).isEqualTo("pw");
        assertThat(spec.sslMode()).isEqualTo(SslMode.REQUIRE);
    }

    @Test
    void shouldParseQuotedValuesEscapesAndSpacesAroundEquals() {
        ConnectionSpec spec = parse("  host = db1   dbname='my \\'big\\' db'  password='a b\\\\c' user=x\\ y ");
        assertThat(spec.host()).isEqualTo("db1");
        assertThat(spec.database()).isEqualTo("my 'big' db");
        assertThat(spec.password()).isEqualTo("a b\\c");
        assertThat(spec.user()).isEqualTo("x y");
        assertThat(parse("host=h password='' dbname=d").passwordSource()).isEqualTo(PasswordSource.NONE);
    }

    @Test
    void shouldRejectMalformedKeywordValueString() {
        assertThat(parseError("host=h dbname").getMessage()).contains("missing \"=\" after \"dbname\"");
        EngineException unterminated = parseError("host=h password='secret");
        assertThat(unterminated.getMessage()).contains("unterminated").contains("password").doesNotContain("secret");
        assertThat(parseError("host=h hostaddr=1.2.3.4").getMessage()).contains("\"hostaddr\"");
    }

    @Test
    void shouldParseJdbcUrl() {
        ConnectionSpec spec = parse("jdbc:postgresql://db1:5433/my%20db?user=app&password=p%26w+x"
                + "&sslmode=verify-ca&connectTimeout=4&ApplicationName=n&tcpKeepAlive=true");
        assertThat(spec.hostAndPort()).isEqualTo("db1:5433");
        assertThat(spec.database()).isEqualTo("my db");
        assertThat(spec.user()).isEqualTo("app");
        assertThat(spec.password()).isEqualTo("p&w x");
        assertThat(spec.sslMode()).isEqualTo(SslMode.VERIFY_CA);
        assertThat(spec.connectTimeoutSeconds()).isEqualTo(4);
        assertThat(spec.applicationName()).isEqualTo("n");
        assertThat(spec.extraJdbcProperties()).containsEntry("tcpKeepAlive", "true");
    }

    @Test
    void shouldParseJdbcUrlVariants() {
        assertThat(parse("jdbc:postgresql://[::1]:5433/d").hostAndPort()).isEqualTo("[::1]:5433");
        assertThat(parse("jdbc:postgresql://[::1]/d").hostAndPort()).isEqualTo("[::1]:5432");
        assertThat(parse("jdbc:postgresql://h/").database()).isEqualTo("osuser");
        assertThat(parse("jdbc:postgresql:shop").database()).isEqualTo("shop");
        assertThat(parse("jdbc:postgresql:shop").host()).isEqualTo("localhost");
        assertThat(parse("jdbc:postgresql://h/d?ssl=true").sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(parse("jdbc:postgresql://h/d?ssl=false").sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(parseError("jdbc:postgresql://h").getMessage()).contains("no '/'");
    }

    @Test
    void shouldRejectUnknownForms() {
        assertThat(parseError("").getMessage()).contains("empty");
        assertThat(parseError("mysql://h/d").getMessage()).contains("postgresql://");
    }

    @Test
    void shouldPreferUrlPasswordThenPgpasswordThenPasswordFile() throws Exception {
        Path pgpass = writePgpass("*:*:*:*:from-file\n");
        variables.put("PGPASSFILE", pgpass.toString());
        assertThat(parse("postgresql://u:from-url@h/d").password()).isEqualTo("from-url");

        variables.put("PGPASSWORD", "from-env");
        ConnectionSpec fromEnvironment = parse("postgresql://u@h/d");
        assertThat(fromEnvironment.password()).isEqualTo("from-env");
        assertThat(fromEnvironment.passwordSource()).isEqualTo(PasswordSource.PGPASSWORD);

        variables.remove("PGPASSWORD");
        ConnectionSpec fromFile = parse("postgresql://u@h/d");
        assertThat(fromFile.password()).isEqualTo("from-file");
        assertThat(fromFile.passwordSource()).isEqualTo(PasswordSource.PASSWORD_FILE);
    }

    @Test
    void shouldLookUpPasswordFileWithResolvedDefaults() throws Exception {
        Files.writeString(home.resolve(".pgpass"), "localhost:5432:osuser:osuser:default-pw\n");
        Files.setPosixFilePermissions(home.resolve(".pgpass"), PosixFilePermissions.fromString("rw-------"));
        assertThat(parse("postgresql://").password()).isEqualTo("default-pw");
        assertThat(parse("host=localhost port=5433").password()).isNull();
    }

    @Test
    void shouldIgnoreGroupReadablePasswordFile() throws Exception {
        Path pgpass = writePgpass("*:*:*:*:leaked\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r-----"));
        variables.put("PGPASSFILE", pgpass.toString());
        ConnectionSpec spec = parse("postgresql://u@h/d");
        assertThat(spec.password()).isNull();
        assertThat(spec.jdbcProperties().getProperty("password")).isEmpty();
    }

    @Test
    void shouldNeverShowThePassword() {
        ConnectionSpec spec = parse("postgresql://app:hunter2@db1:5432/shop?sslmode=require");
        assertThat(spec.toString()).isEqualTo("postgresql://app@db1:5432/shop?sslmode=require").doesNotContain("hunter2");
        assertThat(spec.redacted()).doesNotContain("hunter2");
        assertThat(spec.describe()).isEqualTo("db1:5432 (database \"shop\", user \"app\")");
        assertThat(spec.jdbcUrl()).doesNotContain("hunter2");
        assertThat(spec.withApplicationName("x").toString()).doesNotContain("hunter2");
    }

    @Test
    void shouldBuildPgjdbcProperties() {
        ConnectionSpec spec = parse("postgresql://app:pw@db1/shop?sslmode=verify-full&sslrootcert=/ca");
        Properties properties = spec.jdbcProperties();
        assertThat(properties.getProperty("user")).isEqualTo("app");
        assertThat(properties.getProperty("password")).isEqualTo("pw");
        assertThat(properties.getProperty("sslmode")).isEqualTo("verify-full");
        assertThat(properties.getProperty("sslrootcert")).isEqualTo("/ca");
        assertThat(properties.getProperty("sslcert")).isNull();
        assertThat(properties.getProperty("ApplicationName")).isEqualTo("walferry");
        Properties replication = spec.replicationProperties();
        assertThat(replication.getProperty("replication")).isEqualTo("database");
        assertThat(replication.getProperty("preferQueryMode")).isEqualTo("simple");
        assertThat(replication.getProperty("assumeMinServerVersion")).isEqualTo("10");
    }

    @Test
    void shouldEncodeDatabaseNameInJdbcUrl() {
        assertThat(parse("host=h dbname='a b/c?'").jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/a+b%2Fc%3F");
    }

    private Path writePgpass(String content) throws Exception {
        Path file = home.resolve("pgpass.conf");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
