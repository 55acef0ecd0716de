package io.walferry.testkit;

import io.walferry.testkit.backend.BackendConfig;
import io.walferry.testkit.backend.PgBackend;
import io.walferry.testkit.backend.ServerRole;
import io.walferry.testkit.backend.StartOnce;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Running PostgreSQL servers for tests, started on first use and shared by every test of the
 * JVM; a shutdown hook stops them (and on an external server drops the databases tests
 * created). Safe to call from concurrent test classes: each server starts once, and servers
 * of different versions start in parallel.
 *
 * <h2>Backends</h2>
 * Chosen by settings given as environment variables or as system properties of the test JVM
 * (a system property wins; Maven passes {@code -D} user properties on to failsafe's fork):
 * <ul>
 *   <li><b>embedded</b> (default): servers started from the PostgreSQL 14, 17 and 18 binaries
 *       packaged in this jar (linux-x86_64), in data directories under
 *       {@code java.io.tmpdir/embedded-pg}. Needs nothing but Java.</li>
 *   <li><b>testcontainers</b>: {@code WALFERRY_TEST_BACKEND=testcontainers} runs
 *       {@code postgres:<major>} containers instead, with the same settings. Without a Docker
 *       engine every test that asks for a server is skipped, not failed.</li>
 *   <li><b>external</b>: {@code WALFERRY_TEST_PG_URL} names a running server, as
 *       {@code jdbc:postgresql://host:port/db?user=u&password=p} or
 *       {@code postgresql://u:p@host:port/db}; the database named is used to create test
 *       databases. Every {@link #server(int)} call returns it, whatever version is asked for,
 *       and {@link #versions()} is just its version. {@code WALFERRY_TEST_PG_TARGET_URL} names
 *       the target of {@link #pair(int, int)}; without it, tests that need a pair are skipped.
 *       The servers must run with {@code wal_level=logical}.</li>
 * </ul>
 * {@code WALFERRY_TEST_PG_VERSIONS} narrows the versions a run covers, e.g. {@code 17} or
 * {@code 14,18}; asking for a version outside them skips the test
 * ({@link org.opentest4j.TestAbortedException}).
 *
 * <h2>Using servers in tests</h2>
 * Call {@link #server(int)} or {@link #pair(int, int)} directly, or let
 * {@link PostgresExtension} inject {@link PgServer} and {@link PgPair} parameters. To run one
 * test against every version of the run, annotate it {@link AllPgVersions}:
 * <pre>{@code
 * @ParameterizedTest
 * @AllPgVersions
 * void shouldDecodeInsert(int version) throws Exception {
 *     PgServer server = TestPostgres.server(version);
 *     String database = server.createDatabase("decode");
 *     ...
 * }
 * }</pre>
 * Servers are shared: each test works in databases of its own from
 * {@link PgServer#createDatabase(String)}.
 */
public final class TestPostgres {
    private static final Logger LOG = LoggerFactory.getLogger(TestPostgres.class);

    private static final StartOnce<PgBackend> BACKEND = new StartOnce<>("the walferry test backend",
        TestPostgres::createBackend);

    private TestPostgres() {
    }

    /**
     * The server of {@code majorVersion}, started on first use.
     *
     * @throws org.opentest4j.TestAbortedException when this run does not cover that version
     *         or its backend is unavailable (no Docker), so the calling test is skipped
     */
    public static PgServer server(int majorVersion) {
        return activeBackend().server(majorVersion, ServerRole.SOURCE);
    }

    /**
     * A source and a target server; two distinct processes even for the same version. The
     * source is {@code server(sourceMajor)}; the target is a second instance kept for that role.
     *
     * @throws org.opentest4j.TestAbortedException as {@link #server(int)}, and on the external
     *         backend when {@code WALFERRY_TEST_PG_TARGET_URL} is not set
     */
    public static PgPair pair(int sourceMajor, int targetMajor) {
        PgBackend backend = activeBackend();
        return new PgPair(backend.server(sourceMajor, ServerRole.SOURCE), backend.server(targetMajor, ServerRole.TARGET));
    }

    /** The major versions this run covers, ascending: 14, 17 and 18 unless narrowed. */
    public static List<Integer> versions() {
        return activeBackend().versions();
    }

    /** The newest version this run covers: what tests get when they do not ask for one. */
    public static int newestVersion() {
        List<Integer> versions = versions();
        return versions.get(versions.size() - 1);
    }

    /** {@code embedded}, {@code testcontainers} or {@code external}. */
    public static String backend() {
        return activeBackend().name();
    }

    private static PgBackend activeBackend() {
        return BACKEND.get();
    }

    private static PgBackend createBackend() {
        BackendConfig config = BackendConfig.fromEnvironment();
        PgBackend backend = config.createBackend();
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "walferry-testkit-shutdown"));
        LOG.info("test servers from the {} backend", backend);
        return backend;
    }
}
