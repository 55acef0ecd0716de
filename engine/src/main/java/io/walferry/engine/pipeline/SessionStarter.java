package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ServerInfo;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import io.walferry.engine.stream.ProtocolVersions;
import io.walferry.engine.stream.StopSignal;
import io.walferry.engine.stream.StreamOptions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one stream session from the source, the same way at start and after every reconnect:
 * checks the server (version, {@code wal_level}, privileges), makes sure the publication exists,
 * opens the apply handler for the session's protocol version on the applier thread and reads the
 * progress it has recorded, decides about the slot ({@link SlotPolicy}: stream, create, or stop),
 * and starts streaming. Reader thread.
 */
final class SessionStarter {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStarter.class);
    /** How often to look at {@code pg_replication_slots} while waiting for an active slot to be released. */
    private static final long SLOT_RELEASE_POLL_MS = 50;
    /** How often a wait for the applier to open the handler checks that the applier thread still runs. */
    private static final long APPLIER_CHECK_MS = 1_000;

    private final PipelineConfig config;
    private final SourceConnector connector;
    private final ApplyRing ring;
    private final ApplierSignals signals;
    private final StopSignal stop;
    /** Set once a binary session met a relation it could not stream in binary: text from then on. */
    private boolean textOnly;
    private Boolean lastBinary;

    SessionStarter(PipelineConfig config, SourceConnector connector, ApplyRing ring, ApplierSignals signals,
                   StopSignal stop) {
        this.config = config;
        this.connector = connector;
        this.ring = ring;
        this.signals = signals;
        this.stop = stop;
    }

    /**
     * A started stream session.
     *
     * @param stream          the stream from the slot
     * @param protocolVersion its pgoutput protocol version
     * @param slotConfirmedLsn the slot's confirmed position when the stream started
     * @param recordedLsn     the progress the handler recorded when it opened for this session
     * @param binary          whether values come in binary ({@link ValueFormat})
     */
    record Session(SlotStream stream, int protocolVersion, long slotConfirmedLsn, long recordedLsn, boolean binary) {
    }

    /** Starts every later session with text values ({@link ValueFormat.TextValuesNeededException}). */
    void useTextValues() {
        textOnly = true;
    }

    /**
     * Starts session {@code number} (from 1).
     *
     * @param streamedBefore whether an earlier session of this run streamed from the slot: then a
     *                       missing slot is a lost one even when the handler has recorded nothing
     * @return the session, or {@code null} when a stop was requested or the applier failed meanwhile
     */
    Session start(long number, boolean streamedBefore) {
        ConnectionSpec spec = connector.spec();
        String slotName = config.slotName();
        ServerInfo server;
        SlotState slot;
        SlotPolicy.SlotAction action;
        StreamOptions options;
        long recorded;
        try (Connection sql = connector.openSql()) {
            server = ServerInfo.read(sql, spec);
            slot = SlotState.read(sql, slotName, server.versionNum());
            requireReady(server, slot, spec);
            int protocolVersion = ProtocolVersions.negotiate(server, null, spec);
            String publication = PipelinePublication.ensure(sql, spec, config.publicationName(),
                    config.includeTables(), config.excludeTables(), server.versionNum(), number == 1);
            ValueFormat.Choice format = textOnly
                    ? new ValueFormat.Choice(false, "an earlier session met a column it could not stream in binary")
                    : ValueFormat.choose(sql, config.publicationName(), server.versionNum());
            logValueFormat(format);
            options = streamOptions(protocolVersion, format.binary());
            if (!ring.publishOpen(number, protocolVersion, stop::isRequested) || !signals.awaitOpened(number,
                    () -> stop.isRequested() || !ring.isApplierAlive(), APPLIER_CHECK_MS)) {
                return null;
            }
            recorded = signals.recordedLsn();
            boolean hasState = recorded != 0 || streamedBefore;
            action = SlotPolicy.decide(slot, hasState, recorded, slotName, spec);
            if (action == SlotPolicy.SlotAction.IN_USE) {
                slot = awaitRelease(sql, slot, server, streamedBefore);
                if (stop.isRequested()) {
                    return null;
                }
                action = SlotPolicy.decide(slot, hasState, recorded, slotName, spec);
            }
            if (number == 1) {
                LOG.info("pipeline {}: source {} (PostgreSQL {}), {}, slot {} {}, handler progress {}",
                        config.pipelineName(), spec, server.version(), publication, slotName,
                        action == SlotPolicy.SlotAction.CREATE ? "to be created"
                                : "at " + Lsn.format(slot.confirmedFlushLsn()), Lsn.format(recorded));
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "talking to the source " + spec.describe(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.request();
            return null;
        }
        boolean create = action == SlotPolicy.SlotAction.CREATE;
        SlotStream stream = SlotStream.open(connector, slotName, create, server.versionNum(), options,
                config.statusIntervalMs());
        long slotConfirmed = create ? stream.createdAtLsn() : slot.confirmedFlushLsn();
        if (create) {
            // Ahead of every message of the new stream: the handler records where the slot starts,
            // so the pipeline has state from now on and a lost slot is never silently replaced.
            ring.publishSlotCreated(slotConfirmed, stop::isRequested);
        }
        return new Session(stream, options.protoVersion(), slotConfirmed, recorded, options.binary());
    }

    /** Logs the value format at the first session and whenever it changes. */
    private void logValueFormat(ValueFormat.Choice format) {
        if (lastBinary == null || lastBinary != format.binary()) {
            LOG.info("pipeline {}: values streamed in {}: {}", config.pipelineName(),
                    format.binary() ? "binary" : "text", format.reason());
        }
        lastBinary = format.binary();
    }

    /**
     * The server may have to be ready for a slot to be created; when the pipeline's own slot exists,
     * it counts as free, or the last free slot would be reported as missing.
     */
    private static void requireReady(ServerInfo server, SlotState slot, ConnectionSpec spec) {
        ServerInfo asIfFree = slot == null ? server : new ServerInfo(server.versionNum(), server.version(),
                server.walLevel(), server.superuser(), server.replicationRole(), server.maxReplicationSlots(),
                server.usedReplicationSlots() - 1);
        asIfFree.requireLogicalReplication(spec);
    }

    /**
     * pgoutput options: the highest protocol version, streaming of in-progress transactions where
     * the version has it ({@code parallel} for 4, so that Stream Abort carries its LSN), binary or
     * text values ({@link ValueFormat}), no logical decoding messages, no two-phase decoding.
     */
    StreamOptions streamOptions(int protocolVersion, boolean binary) {
        String streaming = !config.inProgressStreaming() ? null
                : protocolVersion >= 4 ? "parallel" : protocolVersion >= 2 ? "on" : null;
        return new StreamOptions(protocolVersion, List.of(config.publicationName()), false, streaming, binary, false);
    }

    /**
     * Waits up to the configured time for the walsender holding the slot to let it go (a walferry
     * that was just killed, or the walsender of a broken connection that has not noticed yet).
     *
     * @return the slot as it is now (not in use, or {@code null} when dropped meanwhile), or as it
     *         was when a stop was requested
     * @throws EngineException when it stays in use: at start, naming the process; after a reconnect,
     *                         as a transient failure to retry with backoff
     */
    private SlotState awaitRelease(Connection sql, SlotState slot, ServerInfo server, boolean streamedBefore) {
        long waitMs = config.slotReleaseWaitMs();
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        SlotState current = slot;
        while (current != null && current.isActive() && System.nanoTime() - deadline < 0) {
            if (stop.awaitMillis(SLOT_RELEASE_POLL_MS)) {
                return current;
            }
            current = SlotState.read(sql, slot.slotName(), server.versionNum());
        }
        if (current == null || !current.isActive()) {
            return current;
        }
        if (streamedBefore) {
            throw new SourceFailures.StreamEndedException("replication slot " + slot.slotName()
                    + " is still in use by the server process with PID " + current.activePid());
        }
        throw SlotPolicy.inUse(current, connector.spec(), waitMs);
    }

    /**
     * The position {@code --exit-when-caught-up} waits for: the source's WAL insert position now
     * ({@link WalInsertPosition}), so that every transaction committed before it counts,
     * asynchronous commits not yet written included.
     */
    long caughtUpTarget() {
        try (Connection sql = connector.openSql(); WalInsertPosition position = WalInsertPosition.prepare(sql)) {
            return position.read();
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "reading the current WAL position of " + connector.spec().describe(), null);
        }
    }
}
