package io.walferry.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.walferry.testkit.PgServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Starts a container when Docker is available; otherwise must be skipped, quickly, never
 * failed. Builds its own backend so that it runs whatever backend the rest of the run uses.
 */
class TestcontainersBackendIT {
    private static final int VERSION = 17;
    private static final TestcontainersBackend BACKEND =
        new TestcontainersBackend(new VersionSet(List.of(VERSION), "TestcontainersBackendIT"));

    @AfterAll
    static void stopContainers() {
        BACKEND.close();
    }

    @Test
    void shouldStartLogicalReplicationServerInContainer() throws Exception {
        PgServer server = BACKEND.server(VERSION, ServerRole.SOURCE);

        assertThat(server.majorVersion()).isEqualTo(VERSION);
        try (Connection connection = server.connect(server.createDatabase("container"));
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW wal_level")) {
            row.next();
            assertThat(row.getString(1)).isEqualTo("logical");
        }
        assertThat(server.password()).isNotNull();
        assertThat(server.describe()).doesNotContain(server.password());
    }

    @Test
    void shouldAnswerDockerProbeQuicklyWithReason() {
        long startNanos = System.nanoTime();
        DockerProbe.DockerStatus status = DockerProbe.status();

        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(70));
        assertThat(status.detail()).isNotBlank();
    }

    @Test
    void shouldSkipRatherThanFailWhenDockerIsMissing() {
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(ContainerScenario.class))
            .execute()
            .testEvents()
            .assertStatistics(stats -> stats.started(1).failed(0)
                .aborted(DockerProbe.status().available() ? 0 : 1));
    }

    /** Run only through {@link EngineTestKit} above. */
    static class ContainerScenario {
        @Test
        void asksForContainer() {
            new TestcontainersBackend(new VersionSet(List.of(VERSION), "scenario"))
                .server(VERSION, ServerRole.SOURCE);
        }
    }
}
