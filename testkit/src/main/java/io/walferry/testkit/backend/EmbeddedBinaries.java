package io.walferry.testkit.backend;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The PostgreSQL server archives on the classpath, one per major version, at
 * {@code walferry-pg/<major>/postgres-<system>-<hardware>.txz}. The testkit pom unpacks them
 * there from the zonky binaries artifacts, because several versions of one artifact cannot
 * share a classpath. Only linux-x86_64 archives are packaged.
 */
final class EmbeddedBinaries {

    /** Major versions whose archives the testkit pom packages. Keep in step with testkit/pom.xml. */
    static final List<Integer> VERSIONS = List.of(14, 17, 18);

    /**
     * One resolver per version, reused: zonky caches extracted binaries per resolver
     * instance, so a fresh instance per server would re-read and re-hash the archive.
     */
    private static final ConcurrentMap<Integer, PgBinaryResolver> RESOLVERS = new ConcurrentHashMap<>();

    private EmbeddedBinaries() {
    }

    /** The resolver zonky calls to read the archive of {@code major}. */
    static PgBinaryResolver resolver(int major) {
        return RESOLVERS.computeIfAbsent(major, m -> (system, hardware) -> open(m, system, hardware));
    }

    /**
     * Fails with a message saying what to do when this platform has no archive of
     * {@code major}, before zonky would fail with a less helpful one.
     */
    static void requireAvailable(int major) throws IOException {
        String name = resourceName(major, platformSystem(), platformHardware());
        if (EmbeddedBinaries.class.getClassLoader().getResource(name) == null) {
            throw missing(name);
        }
    }

    private static InputStream open(int major, String system, String hardware) throws IOException {
        String name = resourceName(major, system, hardware);
        InputStream archive = EmbeddedBinaries.class.getClassLoader().getResourceAsStream(name);
        if (archive == null) {
            throw missing(name);
        }
        return archive;
    }

    private static IOException missing(String name) {
        return new IOException("no embedded PostgreSQL binaries on the classpath at " + name
            + " (the testkit packages PostgreSQL " + VERSIONS + " for linux-x86_64 only): run the tests with "
            + "WALFERRY_TEST_BACKEND=testcontainers or WALFERRY_TEST_PG_URL=postgresql://user@host:port/db");
    }

    static String resourceName(int major, String system, String hardware) {
        return "walferry-pg/" + major + "/postgres-" + system.toLowerCase(Locale.ROOT) + "-" + hardware + ".txz";
    }

    /** The system name as zonky passes it to resolvers. */
    private static String platformSystem() {
        String osName = System.getProperty("os.name");
        if (osName.startsWith("Windows")) {
            return "Windows";
        }
        if (osName.startsWith("Mac")) {
            return "Darwin";
        }
        return osName.startsWith("Linux") ? "Linux" : osName;
    }

    /** The hardware name as zonky passes it to resolvers. */
    private static String platformHardware() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) ? "x86_64" : arch;
    }
}
