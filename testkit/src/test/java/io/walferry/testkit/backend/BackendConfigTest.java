package io.walferry.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class BackendConfigTest {

    private static BackendConfig config(Map<String, String> settings) {
        return BackendConfig.from(settings::get);
    }

    @Test
    void shouldDefaultToEmbeddedWithEveryPackagedVersion() {
        PgBackend backend = config(Map.of()).createBackend();

        assertThat(backend.name()).isEqualTo("embedded");
        assertThat(backend.versions()).containsExactly(14, 17, 18);
    }

    @Test
    void shouldNarrowVersionsAndSkipTheOthers() {
        PgBackend backend = config(Map.of(BackendConfig.PG_VERSIONS, " 18, 14 ")).createBackend();

        assertThat(backend.versions()).containsExactly(14, 18);
        assertThatThrownBy(() -> backend.server(17, ServerRole.SOURCE))
            .isInstanceOf(TestAbortedException.class)
            .hasMessage("PostgreSQL 17 is not covered by this run: versions [14, 18] (WALFERRY_TEST_PG_VERSIONS=18, 14)");
    }

    @Test
    void shouldRefuseEmbeddedVersionsWithoutBinaries() {
        BackendConfig config = config(Map.of(BackendConfig.PG_VERSIONS, "16"));

        assertThatIllegalArgumentException()
            .isThrownBy(config::createBackend)
            .withMessageContaining("no embedded binaries of PostgreSQL 16")
            .withMessageContaining("WALFERRY_TEST_BACKEND=testcontainers");
    }

    @Test
    void shouldAcceptAnyVersionForTestcontainers() {
        PgBackend backend = config(Map.of(BackendConfig.BACKEND, "Testcontainers", BackendConfig.PG_VERSIONS, "16"))
            .createBackend();

        assertThat(backend.name()).isEqualTo("testcontainers");
        assertThat(backend.versions()).isEqualTo(List.of(16));
    }

    @Test
    void shouldRejectVersionsThatAreNotMajorVersions() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> VersionSet.parse("17.2", BackendConfig.PG_VERSIONS))
            .withMessage("WALFERRY_TEST_PG_VERSIONS: '17.2' is not a PostgreSQL major version"
                + " (expected: 10 or later, comma-separated, such as 14,18)");
        assertThatIllegalArgumentException().isThrownBy(() -> VersionSet.parse(" , ", BackendConfig.PG_VERSIONS));
        assertThatIllegalArgumentException().isThrownBy(() -> VersionSet.parse("9", BackendConfig.PG_VERSIONS));
    }

    @Test
    void shouldSelectExternalBackendWhenUrlIsSet() {
        BackendConfig config = config(Map.of(BackendConfig.PG_URL, "postgresql://bob:secret@db.example/app"));

        assertThat(config.backend()).isEqualTo("external");
        assertThat(config.createBackend()).isInstanceOf(ExternalBackend.class);
        assertThat(config.toString()).doesNotContain("secret");
    }

    @Test
    void shouldSkipPairsOnExternalBackendWithoutTarget() {
        PgBackend backend = config(Map.of(BackendConfig.PG_URL, "postgresql://bob@db.example/app")).createBackend();

        assertThatThrownBy(() -> backend.server(17, ServerRole.TARGET))
            .isInstanceOf(TestAbortedException.class)
            .hasMessageContaining("WALFERRY_TEST_PG_TARGET_URL is not set");
    }

    @Test
    void shouldRejectContradictorySettings() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> config(Map.of(BackendConfig.BACKEND, "testcontainers",
                BackendConfig.PG_URL, "postgresql://bob@db.example/app")))
            .withMessageContaining("contradicts WALFERRY_TEST_PG_URL");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> config(Map.of(BackendConfig.BACKEND, "external")))
            .withMessageContaining("needs WALFERRY_TEST_PG_URL");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> config(Map.of(BackendConfig.BACKEND, "docker")))
            .withMessage("WALFERRY_TEST_BACKEND: docker (expected: embedded, testcontainers or external)");
    }
}
