package io.walferry.engine.peek;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ServerInfo;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import io.walferry.engine.stream.LogicalStream;
import io.walferry.engine.stream.ProtocolVersions;
import io.walferry.engine.stream.StopSignal;
import io.walferry.engine.stream.StreamOptions;
import io.walferry.engine.stream.TemporarySlot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code walferry peek}: checks the source, creates a temporary publication (unless one is
 * named) and a temporary slot named {@code walferry_peek_<pid>_<random>}, streams, prints, and
 * cleans up. Nothing is left on the source afterwards, however {@link #run()} ends: the slot is
 * dropped with its session (and walferry waits until {@code pg_replication_slots} shows it gone),
 * the publication is dropped explicitly.
 *
 * <p>{@link #run()} runs on the caller's thread; {@link #requestStop()} and
 * {@link #awaitFinished(Duration)} may be called from any other, typically a shutdown hook.
 */
public final class PeekSession {
    private static final Logger LOG = LoggerFactory.getLogger(PeekSession.class);
    /** {@code application_name} of peek's connections, unless the connection string sets one. */
    private static final String APPLICATION_NAME = "walferry peek";
    /** How long to wait for the walsender to exit and release the temporary slot. */
    private static final Duration SLOT_RELEASE_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PeekOptions options;
    private final PrintWriter out;
    private final String objectName;
    private final StopSignal stop = new StopSignal();
    private final CountDownLatch finished = new CountDownLatch(1);

    /** A session that prints to {@code out}; {@link #run()} starts it. */
    public PeekSession(PeekOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
        this.objectName = newObjectName();
    }

    /** {@code walferry_peek_<pid>_<8 hex digits>}: unique among concurrent peeks, and a valid slot name. */
    static String newObjectName() {
        return "walferry_peek_" + ProcessHandle.current().pid() + "_" + String.format("%08x", RANDOM.nextInt());
    }

    /** The name of the temporary slot, and of the temporary publication if one is created. */
    public String objectName() {
        return objectName;
    }

    /**
     * Runs the peek to its end and cleans up.
     *
     * @throws EngineException for anything the operator can act on
     */
    public PeekResult run() {
        try {
            return runConnected();
        } finally {
            finished.countDown();
        }
    }

    /** Asks {@link #run()} to stop streaming and clean up; returns at once. */
    public void requestStop() {
        stop.request();
    }

    /** Waits until {@link #run()} has returned and cleaned up; returns whether it has. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private PeekResult runConnected() {
        ConnectionSpec spec = options.source();
        if (spec.applicationName().equals(ConnectionSpec.DEFAULT_APPLICATION_NAME)) {
            spec = spec.withApplicationName(APPLICATION_NAME);
        }
        SourceConnector connector = new SourceConnector(spec);
        try (Connection sql = connector.openSql()) {
            ServerInfo server = ServerInfo.read(sql, spec);
            server.requireLogicalReplication(spec);
            int protoVersion = ProtocolVersions.negotiate(server, options.protoVersion(), spec);
            try (PeekPublication publication = openPublication(sql, connector)) {
                StreamOptions streamOptions = StreamOptions.forServer(server.versionNum(), protoVersion,
                        List.of(publication.name()), options.binary());
                if (stop.isRequested()) {
                    return new PeekResult(0, 0, PeekResult.StopReason.STOP_REQUESTED);
                }
                try {
                    return stream(connector, server, streamOptions, publication);
                } finally {
                    awaitSlotGone(sql, spec);
                }
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "talking to the source " + spec.describe(), null);
        }
    }

    private PeekPublication openPublication(Connection sql, SourceConnector connector) {
        if (options.publication() != null) {
            return PeekPublication.existing(sql, connector, options.publication());
        }
        return PeekPublication.create(sql, connector, objectName, options.tablePatterns());
    }

    private PeekResult stream(SourceConnector connector, ServerInfo server, StreamOptions streamOptions,
                              PeekPublication publication) {
        try (LogicalStream stream = LogicalStream.open(connector, objectName, server.versionNum(), streamOptions,
                options.statusIntervalMs())) {
            LOG.info("peeking at {} (PostgreSQL {}): temporary slot {} from {}, {}, pgoutput options {}",
                    connector.spec(), server.version(), objectName, Lsn.format(stream.consistentPoint()),
                    publication.description(), streamOptions.slotOptions());
            PeekLoop loop = new PeekLoop(stream, new PgOutputDecoder(streamOptions.protoVersion()),
                    new MessageJsonWriter(out), out, options.limit(), stop);
            PeekResult result = loop.run();
            LOG.info("stopped ({}) after {} messages{}", describe(result.reason()), result.messagesPrinted(),
                    result.highestLsn() != 0 ? ", up to LSN " + Lsn.format(result.highestLsn()) : "");
            return result;
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "streaming from slot " + objectName + " on " + connector.spec().hostAndPort(),
                    SourceErrors.classify(e) == Failure.CANNOT_CONNECT
                            ? "the replication connection was lost: the server closed it (restart, pg_terminate_backend,"
                                    + " wal_sender_timeout) or the network failed; run walferry peek again"
                            : null);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the JSON output failed", e);
        }
    }

    private void awaitSlotGone(Connection sql, ConnectionSpec spec) {
        try {
            if (!TemporarySlot.awaitGone(sql, objectName, SLOT_RELEASE_TIMEOUT)) {
                LOG.warn("the temporary slot {} is still listed in pg_replication_slots on {} {} s after the"
                        + " stream ended; PostgreSQL drops it when its walsender exits", objectName,
                        spec.hostAndPort(), SLOT_RELEASE_TIMEOUT.toSeconds());
            }
        } catch (SQLException e) {
            LOG.debug("could not check that slot {} is gone: {}", objectName, e.getMessage());
        }
    }

    private static String describe(PeekResult.StopReason reason) {
        switch (reason) {
            case LIMIT_REACHED:
                return "--limit reached";
            case STOP_REQUESTED:
                return "stop requested";
            default:
                return "output closed";
        }
    }
}
