/**
 * How the test kit obtains PostgreSQL servers: started from the embedded binaries on the
 * classpath ({@link io.walferry.testkit.backend.EmbeddedBackend}), started in Docker by
 * Testcontainers ({@link io.walferry.testkit.backend.TestcontainersBackend}), or named by URL
 * ({@link io.walferry.testkit.backend.ExternalBackend}); plus the one
 * {@link io.walferry.testkit.PgServer} implementation they all hand out
 * ({@link io.walferry.testkit.backend.PgServerEndpoint}).
 *
 * <p>Not API: tests go through {@link io.walferry.testkit.TestPostgres} and
 * {@link io.walferry.testkit.PostgresExtension}; these types are public only so that the
 * facade package and the kit's own tests can reach them, and may change at any time.
 *
 * <p>Threads: any test thread may ask for a server; each server is started at most once, by
 * the first thread that asks, while other threads asking for the same server wait. Servers are
 * stopped by the JVM shutdown hook that {@code TestPostgres} registers.
 */
package io.walferry.testkit.backend;
