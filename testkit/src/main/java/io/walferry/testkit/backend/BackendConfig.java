package io.walferry.testkit.backend;

import java.util.Locale;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which backend a run uses and what it covers, read from settings that may be given as
 * system properties ({@code -DWALFERRY_TEST_PG_VERSIONS=17}) or environment variables
 * (a system property wins):
 * <ul>
 *   <li>{@value #PG_URL}: a source server URL (JDBC or libpq); selects the external backend.</li>
 *   <li>{@value #PG_TARGET_URL}: the target server of pairs on the external backend.</li>
 *   <li>{@value #BACKEND}: {@code embedded} (default), {@code testcontainers}, or
 *       {@code external} (needs {@value #PG_URL}).</li>
 *   <li>{@value #PG_VERSIONS}: comma-separated major versions to cover, e.g. {@code 17} or
 *       {@code 14,18}; default 14, 17 and 18. Ignored by the external backend.</li>
 * </ul>
 *
 * @param backend     embedded, testcontainers or external
 * @param versions    the versions text, null for the backend's default
 * @param sourceUrl   {@value #PG_URL}, or null
 * @param targetUrl   {@value #PG_TARGET_URL}, or null
 */
public record BackendConfig(String backend, String versions, String sourceUrl, String targetUrl) {
    private static final Logger LOG = LoggerFactory.getLogger(BackendConfig.class);

    public static final String BACKEND = "WALFERRY_TEST_BACKEND";
    public static final String PG_VERSIONS = "WALFERRY_TEST_PG_VERSIONS";
    public static final String PG_URL = "WALFERRY_TEST_PG_URL";
    public static final String PG_TARGET_URL = "WALFERRY_TEST_PG_TARGET_URL";

    /** Reads the settings from system properties, then the environment. */
    public static BackendConfig fromEnvironment() {
        return from(name -> {
            String property = System.getProperty(name);
            return property != null ? property : System.getenv(name);
        });
    }

    /**
     * Reads the settings through {@code lookup}; blank values count as absent.
     *
     * @throws IllegalArgumentException when the settings contradict each other
     */
    public static BackendConfig from(UnaryOperator<String> lookup) {
        String sourceUrl = blankToNull(lookup.apply(PG_URL));
        String backend = blankToNull(lookup.apply(BACKEND));
        if (backend == null) {
            backend = sourceUrl != null ? ExternalBackend.NAME : EmbeddedBackend.NAME;
        }
        backend = backend.trim().toLowerCase(Locale.ROOT);
        switch (backend) {
            case EmbeddedBackend.NAME, TestcontainersBackend.NAME -> {
                if (sourceUrl != null) {
                    throw new IllegalArgumentException(BACKEND + "=" + backend + " contradicts " + PG_URL
                        + ", which selects the external backend (expected: one of them)");
                }
            }
            case ExternalBackend.NAME -> {
                if (sourceUrl == null) {
                    throw new IllegalArgumentException(BACKEND + "=external needs " + PG_URL
                        + " (expected: jdbc:postgresql://host:port/db?user=u or postgresql://u@host:port/db)");
                }
            }
            default -> throw new IllegalArgumentException(BACKEND + ": " + backend
                + " (expected: embedded, testcontainers or external)");
        }
        return new BackendConfig(backend, blankToNull(lookup.apply(PG_VERSIONS)), sourceUrl,
            blankToNull(lookup.apply(PG_TARGET_URL)));
    }

    /** Builds the backend these settings describe; it starts nothing yet. */
    public PgBackend createBackend() {
        switch (backend) {
            case ExternalBackend.NAME -> {
                if (versions != null) {
                    LOG.warn("{} is ignored: the external backend covers just its server's version", PG_VERSIONS);
                }
                ServerAddress target = targetUrl == null ? null : ServerAddress.parse(targetUrl, PG_TARGET_URL);
                return new ExternalBackend(ServerAddress.parse(sourceUrl, PG_URL), target,
                    PG_TARGET_URL + " is not set: replication pairs need a second server on the external backend");
            }
            case TestcontainersBackend.NAME -> {
                return new TestcontainersBackend(
                    versions == null ? TestcontainersBackend.defaultVersions() : VersionSet.parse(versions, PG_VERSIONS));
            }
            default -> {
                return new EmbeddedBackend(
                    versions == null ? EmbeddedBackend.defaultVersions() : VersionSet.parse(versions, PG_VERSIONS));
            }
        }
    }

    /** Like the record's, but never shows the URLs, which may hold passwords. */
    @Override
    public String toString() {
        return "BackendConfig[backend=" + backend + ", versions=" + versions
            + ", sourceUrl=" + (sourceUrl == null ? "unset" : "set") + ", targetUrl=" + (targetUrl == null ? "unset" : "set") + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
