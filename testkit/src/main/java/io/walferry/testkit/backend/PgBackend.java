package io.walferry.testkit.backend;

import io.walferry.testkit.PgServer;
import java.util.List;

/**
 * A source of running PostgreSQL servers for one test JVM. Implementations start (or
 * connect to) each server lazily, at most once, and are safe to call from concurrent test
 * threads.
 */
public interface PgBackend extends AutoCloseable {

    /** Short name: {@code embedded}, {@code testcontainers} or {@code external}. */
    String name();

    /** Major versions this run covers, ascending; never empty. */
    List<Integer> versions();

    /**
     * The server of {@code majorVersion} in {@code role}, started on first use.
     *
     * @throws org.opentest4j.TestAbortedException when this run cannot provide that server
     *         (version not covered, no Docker engine, no target configured), so tests skip
     */
    PgServer server(int majorVersion, ServerRole role);

    /** Stops what this backend started and removes what it created; never throws. */
    @Override
    void close();
}
