package io.walferry.testkit.backend;

import io.walferry.testkit.PgServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Servers run by Testcontainers from the official {@code postgres:<major>} images, one
 * container per version and role, with the same settings as embedded servers. Any major
 * version with an image works. Without a Docker engine, every request is a skip, not a
 * failure.
 */
public final class TestcontainersBackend implements PgBackend {
    private static final Logger LOG = LoggerFactory.getLogger(TestcontainersBackend.class);

    /** Name of this backend, as in {@code WALFERRY_TEST_BACKEND}. */
    public static final String NAME = "testcontainers";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final VersionSet versions;
    private final ConcurrentMap<ServerKey, StartOnce<StartedContainer>> servers = new ConcurrentHashMap<>();

    /** @param versions the versions this run covers; each needs a {@code postgres:<major>} image */
    public TestcontainersBackend(VersionSet versions) {
        this.versions = versions;
    }

    /** The embedded versions, so that both backends test the same thing by default. */
    public static VersionSet defaultVersions() {
        return new VersionSet(EmbeddedBackend.AVAILABLE_VERSIONS, "Testcontainers default");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Integer> versions() {
        return versions.majors();
    }

    /**
     * @throws TestAbortedException also when no Docker engine is reachable
     */
    @Override
    public PgServer server(int majorVersion, ServerRole role) {
        versions.requireCovered(majorVersion);
        DockerProbe.DockerStatus docker = DockerProbe.status();
        if (!docker.available()) {
            throw new TestAbortedException("Testcontainers backend needs Docker: " + docker.detail());
        }
        ServerKey key = new ServerKey(majorVersion, role);
        return servers.computeIfAbsent(key, k -> new StartOnce<>("Testcontainers " + k.label(), () -> start(k)))
            .get()
            .endpoint();
    }

    private static StartedContainer start(ServerKey key) throws Exception {
        String image = "postgres:" + key.majorVersion();
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(image))
            .withCommand(LogicalReplicationSettings.postgresCommand().toArray(String[]::new));
        long startNanos = System.nanoTime();
        container.start();
        try {
            ServerAddress address = new ServerAddress(container.getHost(),
                container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT), container.getUsername(),
                container.getPassword(), container.getDatabaseName(), null);
            PgServerEndpoint endpoint = PgServerEndpoint.open(address, "Testcontainers " + image);
            LOG.info("started {} as {} in {} ms (container {})", endpoint.describe(), key.role().label(),
                (System.nanoTime() - startNanos) / 1_000_000, container.getContainerId());
            return new StartedContainer(container, endpoint);
        } catch (Exception e) {
            container.stop();
            throw e;
        }
    }

    @Override
    public void close() {
        ParallelClose.closeStarted(servers.values(), STOP_TIMEOUT);
    }

    @Override
    public String toString() {
        return NAME + " " + versions.majors();
    }

    /** A running container and the server in it. */
    private record StartedContainer(PostgreSQLContainer<?> container, PgServerEndpoint endpoint)
            implements AutoCloseable {
        @Override
        public void close() {
            container.stop();
            LOG.info("stopped {}", endpoint.describe());
        }

        @Override
        public String toString() {
            return endpoint.describe();
        }
    }
}
