/**
 * The walferry test kit: real PostgreSQL servers for tests, configured for logical
 * replication and shared by the tests of a JVM.
 *
 * <p>Owns the API tests use: {@link io.walferry.testkit.PgServer} and
 * {@link io.walferry.testkit.PgPair} (what a test gets), {@link io.walferry.testkit.TestPostgres}
 * (where it gets them, and how a run chooses its backend and versions),
 * {@link io.walferry.testkit.PostgresExtension} with {@link io.walferry.testkit.PgVersion} and
 * {@link io.walferry.testkit.PgPairVersions} (parameter injection), and
 * {@link io.walferry.testkit.AllPgVersions} (one test per version). The servers themselves come
 * from {@link io.walferry.testkit.backend}.
 *
 * <p>Threads: any test thread, concurrently; servers start on the thread that first asks for
 * them and stop on the JVM shutdown hook.
 */
package io.walferry.testkit;
