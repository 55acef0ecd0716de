package io.walferry.testkit;

import java.sql.Connection;
import org.opentest4j.TestAbortedException;

/**
 * Stands in for a server this run cannot provide: every method aborts the calling test with
 * the reason, so that JUnit reports it as skipped. See {@link PostgresExtension}.
 */
final class UnavailablePgServer implements PgServer {
    private final String reason;

    UnavailablePgServer(String reason) {
        this.reason = reason;
    }

    private TestAbortedException abort() {
        return new TestAbortedException(reason);
    }

    @Override
    public String host() {
        throw abort();
    }

    @Override
    public int port() {
        throw abort();
    }

    @Override
    public String user() {
        throw abort();
    }

    @Override
    public String password() {
        throw abort();
    }

    @Override
    public int majorVersion() {
        throw abort();
    }

    @Override
    public String jdbcUrl(String database) {
        throw abort();
    }

    @Override
    public String libpqUrl(String database) {
        throw abort();
    }

    @Override
    public Connection connect(String database) {
        throw abort();
    }

    @Override
    public Connection connectReplication(String database) {
        throw abort();
    }

    @Override
    public String createDatabase(String prefix) {
        throw abort();
    }

    @Override
    public String describe() {
        throw abort();
    }

    @Override
    public String toString() {
        return "unavailable PostgreSQL server (" + reason + ")";
    }
}
