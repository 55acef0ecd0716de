package io.walferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionIT {
    private final PgServer constructorServer;

    PostgresExtensionIT(PgServer constructorServer) {
        this.constructorServer = constructorServer;
    }

    @Test
    void shouldInjectNewestVersionByDefault(PgServer server) {
        assertThat(server.majorVersion()).isEqualTo(TestPostgres.newestVersion());
        assertThat(server).isSameAs(TestPostgres.server(TestPostgres.newestVersion()));
        assertThat(constructorServer).isSameAs(server);
    }

    @Test
    void shouldInjectVersionNamedOnParameter(@PgVersion(14) PgServer server) {
        assertServesVersion(server, 14);
    }

    @Test
    @PgVersion(17)
    void shouldInjectVersionNamedOnMethod(PgServer server) {
        assertServesVersion(server, 17);
    }

    @Test
    @PgPairVersions(source = 14, target = 17)
    void shouldInjectPairOfNamedVersions(PgPair pair) {
        assertServesVersion(pair.source(), 14);
        assertServesVersion(pair.target(), 17);
    }

    @Test
    void shouldInjectPairOfNewestVersionsByDefault(PgPair pair) {
        assertThat(pair.source().majorVersion()).isEqualTo(TestPostgres.newestVersion());
        assertThat(pair.target().majorVersion()).isEqualTo(TestPostgres.newestVersion());
        assertThat(pair.source().port()).isNotEqualTo(pair.target().port());
    }

    @Nested
    @PgVersion(14)
    class WithVersionOnClass {
        private PgServer lifecycleServer;

        @BeforeEach
        void rememberServer(PgServer server) {
            lifecycleServer = server;
        }

        @Test
        void shouldInjectVersionNamedOnEnclosingClass(PgServer server) {
            assertServesVersion(server, 14);
            assertThat(lifecycleServer).isSameAs(server);
        }

        @Test
        void shouldPreferParameterOverClass(@PgVersion(17) PgServer server) {
            assertServesVersion(server, 17);
        }
    }

    @Test
    void shouldReportServersTheRunCannotProvideAsSkippedNotFailed() {
        assumeFalse(TestPostgres.backend().equals("external"), "the external backend serves every version");
        Events tests = EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(UnavailableServerScenarios.class))
            .execute()
            .testEvents();

        tests.assertStatistics(stats -> stats.started(2).aborted(2).failed(0));
        assertThat(tests.aborted().stream().map(event -> event.getPayload(
                TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage()))
            .allMatch(message -> message.contains("PostgreSQL 13 is not covered by this run"));
    }

    /** The external backend serves its one server whatever version is asked for. */
    private static void assertServesVersion(PgServer server, int requested) {
        boolean external = TestPostgres.backend().equals("external");
        assertThat(server.majorVersion()).isEqualTo(external ? TestPostgres.newestVersion() : requested);
    }

    /** Run only through {@link EngineTestKit} above; failsafe does not pick up nested static classes. */
    @ExtendWith(PostgresExtension.class)
    static class UnavailableServerScenarios {

        @Test
        void usesServerOfUncoveredVersion(@PgVersion(13) PgServer server) throws Exception {
            server.createDatabase("never");
        }

        @Test
        @PgPairVersions(source = 13)
        void usesPairWithUncoveredSource(PgPair pair) {
            pair.target().describe();
        }
    }
}
