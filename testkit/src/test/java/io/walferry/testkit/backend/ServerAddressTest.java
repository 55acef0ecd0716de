package io.walferry.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ServerAddressTest {
    private static final String SETTING = "WALFERRY_TEST_PG_URL";

    @Test
    void shouldParseJdbcUrlWithCredentialsAsParameters() {
        ServerAddress address = ServerAddress.parse(
            "jdbc:postgresql://db.example:6543/app?user=bob&password=p%40ss%3Aw%2Bord&sslmode=require", SETTING);

        assertThat(address).isEqualTo(new ServerAddress("db.example", 6543, "bob", "p@ss:w+ord", "app", "require"));
    }

    @Test
    void shouldParseLibpqUrlWithCredentialsInUserInfo() {
        ServerAddress address = ServerAddress.parse("postgresql://bob:p%40ss%3Aw+ord@db.example:6543/app", SETTING);

        assertThat(address).isEqualTo(new ServerAddress("db.example", 6543, "bob", "p@ss:w+ord", "app", null));
    }

    @Test
    void shouldAcceptPostgresSchemeAndQueryParameters() {
        ServerAddress address = ServerAddress.parse(
            "postgres://db.example/app?user=carol&password=secret&sslmode=verify-full", SETTING);

        assertThat(address).isEqualTo(new ServerAddress("db.example", 5432, "carol", "secret", "app", "verify-full"));
    }

    @Test
    void shouldDefaultPortPasswordAndDatabaseToUserNameInBothForms() {
        ServerAddress jdbc = ServerAddress.parse("jdbc:postgresql://db.example/?user=bob", SETTING);
        ServerAddress libpq = ServerAddress.parse("postgresql://bob@db.example", SETTING);

        ServerAddress expected = new ServerAddress("db.example", 5432, "bob", null, "bob", null);
        assertThat(jdbc).isEqualTo(expected);
        assertThat(libpq).isEqualTo(expected);
    }

    @Test
    void shouldDefaultUserToOperatingSystemUserAsTheDriversDo() {
        assertThat(ServerAddress.parse("postgresql://db.example/app", SETTING).user())
            .isEqualTo(System.getProperty("user.name"));
        assertThat(ServerAddress.parse("jdbc:postgresql://db.example/app", SETTING).user())
            .isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void shouldParseIpv6HostsWithoutBrackets() {
        assertThat(ServerAddress.parse("jdbc:postgresql://[::1]:5433/app?user=bob", SETTING).host()).isEqualTo("::1");
        assertThat(ServerAddress.parse("postgresql://bob@[::1]:5433/app", SETTING))
            .isEqualTo(new ServerAddress("::1", 5433, "bob", null, "app", null));
    }

    @Test
    void shouldPrintBothUrlFormsThatParseBackToTheSameAddress() {
        ServerAddress address = new ServerAddress("::1", 5433, "bob", "p@ss:w+rd &x", "app", "require");

        assertThat(address.jdbcUrl("other")).startsWith("jdbc:postgresql://[::1]:5433/other?user=bob&password=");
        assertThat(address.libpqUrl("other")).startsWith("postgresql://bob:p%40ss%3Aw%2Brd%20%26x@[::1]:5433/other");
        ServerAddress withOtherDatabase = new ServerAddress("::1", 5433, "bob", "p@ss:w+rd &x", "other", "require");
        assertThat(ServerAddress.parse(address.jdbcUrl("other"), SETTING)).isEqualTo(withOtherDatabase);
        assertThat(ServerAddress.parse(address.libpqUrl("other"), SETTING)).isEqualTo(withOtherDatabase);
    }

    @Test
    void shouldLeavePasswordOutOfLibpqUrlWhenThereIsNone() {
        ServerAddress address = new ServerAddress("localhost", 54321, "postgres", null, "postgres", null);

        assertThat(address.libpqUrl("orders_1")).isEqualTo("postgresql://postgres@localhost:54321/orders_1");
        assertThat(address.jdbcUrl("orders_1")).isEqualTo("jdbc:postgresql://localhost:54321/orders_1?user=postgres");
    }

    @Test
    void shouldRejectParametersItWouldOtherwiseDrop() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServerAddress.parse("postgresql://bob@db.example/app?connect_timeout=5", SETTING))
            .withMessage(SETTING + ": parameter connect_timeout is not supported (expected: user, password, sslmode)");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServerAddress.parse("jdbc:postgresql://db.example/app?loggerLevel=DEBUG", SETTING))
            .withMessageContaining("parameter loggerLevel is not supported");
    }

    @Test
    void shouldRejectSeveralHostsAndOtherSchemes() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServerAddress.parse("jdbc:postgresql://a,b/app", SETTING))
            .withMessageContaining("several hosts");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServerAddress.parse("postgresql://bob@a:5432,b:5432/app", SETTING))
            .withMessageContaining("several hosts");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServerAddress.parse("mysql://bob@db.example/app", SETTING))
            .withMessageStartingWith(SETTING + ": not a PostgreSQL URL");
    }

    @Test
    void shouldNeverShowThePasswordInMessagesOrToString() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ServerAddress.parse("postgresql://bob:hunter2@db.example:port/app", SETTING))
            .withMessageNotContaining("hunter2");
        assertThat(ServerAddress.parse("postgresql://bob:hunter2@db.example/app", SETTING).toString())
            .doesNotContain("hunter2")
            .contains("bob@db.example:5432/app");
    }
}
