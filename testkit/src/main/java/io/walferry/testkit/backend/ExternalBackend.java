package io.walferry.testkit.backend;

import io.walferry.testkit.PgServer;
import java.util.List;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers that already run somewhere, named by URL: every source request, whatever version
 * it asks for, gets the source server, and every target request the target server. The run
 * covers exactly the source server's major version. The databases tests create are dropped
 * again when the JVM exits, since the servers outlive the run.
 */
public final class ExternalBackend implements PgBackend {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalBackend.class);

    /** Name of this backend, as in {@code WALFERRY_TEST_BACKEND}. */
    public static final String NAME = "external";

    private final StartOnce<PgServerEndpoint> source;
    private final StartOnce<PgServerEndpoint> target;
    private final String missingTargetReason;

    /**
     * @param source              the server every {@link ServerRole#SOURCE} request gets
     * @param target              the server every {@link ServerRole#TARGET} request gets, or null
     * @param missingTargetReason why target requests are skipped when {@code target} is null
     */
    public ExternalBackend(ServerAddress source, ServerAddress target, String missingTargetReason) {
        this.source = new StartOnce<>("external source " + source.hostAndPort(), () -> connect(source, "source"));
        this.target = target == null ? null
            : new StartOnce<>("external target " + target.hostAndPort(), () -> connect(target, "target"));
        this.missingTargetReason = missingTargetReason;
        if (target != null && source.hostAndPort().equals(target.hostAndPort())) {
            LOG.warn("source and target are the same server ({}): replication pairs share one process",
                source.hostAndPort());
        }
    }

    private static PgServerEndpoint connect(ServerAddress address, String role) throws Exception {
        PgServerEndpoint endpoint = PgServerEndpoint.open(address, "external");
        LOG.info("using {} as {}", endpoint.describe(), role);
        return endpoint;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Just the source server's major version; connects to it if nothing has yet. */
    @Override
    public List<Integer> versions() {
        return List.of(source.get().majorVersion());
    }

    @Override
    public PgServer server(int majorVersion, ServerRole role) {
        if (role == ServerRole.SOURCE) {
            return source.get();
        }
        if (target == null) {
            throw new TestAbortedException(missingTargetReason);
        }
        return target.get();
    }

    @Override
    public void close() {
        for (StartOnce<PgServerEndpoint> server : target == null ? List.of(source) : List.of(source, target)) {
            PgServerEndpoint endpoint = server.getIfStarted();
            if (endpoint != null) {
                TestDatabaseDropper.dropCreatedDatabases(endpoint);
            }
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
