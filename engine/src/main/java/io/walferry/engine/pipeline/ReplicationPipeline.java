package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.EngineException;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import io.walferry.engine.stream.StopSignal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a replication pipeline: streams every change from the source's slot
 * {@code walferry_<pipeline>} to an {@link ApplyHandler}, and confirms to the source only what the
 * handler has made durable.
 *
 * <p>The LSN feedback rule: the position confirmed to the source (flush and apply) only moves
 * forward, to the handler's {@link ApplyHandler#durableLsn() durable LSN}; and, when no transaction
 * is open in the published stream (every Begin has its Commit, every streamed transaction its
 * Stream Commit or top-level Stream Abort) and the durable LSN has reached the end of the last
 * published transaction with changes, to the server's WAL position from the latest keepalive or
 * XLogData, so that an idle source's slot advances and no WAL piles up. After the handler failed
 * or a message could not be read, only the durable LSN is confirmed. The position is sent every
 * status interval and whenever the server asks for it.
 *
 * <p>Data path: the thread that calls {@link #run()} is the <b>reader</b>. It owns the replication
 * connection, decodes each message only to follow transaction boundaries, copies it into a
 * preallocated event of a Disruptor ring buffer and publishes it; it also sends the LSN feedback,
 * logs progress, and reconnects. The <b>applier</b> thread ({@code walferry-apply-<pipeline>}) is the
 * ring's only consumer and the only thread that calls the handler's {@code open}, {@code onMessage}
 * and {@code close}.
 *
 * <p>How it ends:
 * <ul>
 *   <li>{@link #requestStop()}: the reader stops reading, the applier drains what was published, the
 *       handler is closed (rolling back a target transaction left open), the final durable position
 *       is confirmed, and {@code run()} returns {@link PipelineResult.StopReason#STOP_REQUESTED}.</li>
 *   <li>{@code exitWhenCaughtUp}: the same, once the confirmed position reaches the source's WAL
 *       position read at the start ({@link PipelineResult.StopReason#CAUGHT_UP}).</li>
 *   <li>The handler throws: the applier halts at once, nothing further is confirmed, and
 *       {@code run()} throws {@link ApplyFailedException}.</li>
 *   <li>The source connection fails after streaming started (network, restart, terminated
 *       walsender): logged, and retried with backoff from the slot's confirmed position.</li>
 *   <li>Anything that cannot heal (slot dropped or invalidated, permission denied, an undecodable
 *       message) or any failure before the first stream started: the published messages are
 *       drained, and {@code run()} throws {@link EngineException}.</li>
 * </ul>
 *
 * <p>{@link #requestStop()} and {@link #awaitFinished(Duration)} may be called from any thread.
 */
public final class ReplicationPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationPipeline.class);
    /** How long a stop waits for the applier to drain the ring and for its thread to end. */
    private static final long APPLIER_STOP_TIMEOUT_MS = 60_000;

    private final PipelineConfig config;
    private final ApplyHandler handler;
    private final StopSignal stop = new StopSignal();
    private final ApplierSignals signals = new ApplierSignals();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final TransactionTracker tracker = new TransactionTracker();
    private final ConfirmedPosition position = new ConfirmedPosition();
    /** The running ring, for the live counts; null before {@link #run()}. */
    private volatile ApplyRing running;

    /** A pipeline that applies through {@code handler}; {@link #run()} starts it and closes the handler. */
    public ReplicationPipeline(PipelineConfig config, ApplyHandler handler) {
        this.config = config;
        this.handler = handler;
    }

    /**
     * Runs the pipeline to its end, on the calling thread (the reader). Closes the handler.
     *
     * @throws ApplyFailedException when the handler failed
     * @throws EngineException      when the source failed in a way that does not heal
     */
    public PipelineResult run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a ReplicationPipeline runs once");
        }
        PipelineMetrics metrics = config.metrics();
        handler.recordInto(metrics.apply());
        ApplyRing ring = new ApplyRing(config.pipelineName(), config.ringSize(), config.eventBufferBytes(), handler,
                signals);
        ring.start();
        running = ring;
        metrics.runStarted(ring);
        try {
            return replicate(ring);
        } catch (RuntimeException e) {
            metrics.error(describe(e));
            throw e;
        } finally {
            ring.stop(APPLIER_STOP_TIMEOUT_MS);
            metrics.runEnded();
            finished.countDown();
        }
    }

    /** Asks {@link #run()} to stop; returns at once. */
    public void requestStop() {
        stop.request();
        signals.wakeUp();
    }

    /**
     * Row changes (Insert, Update, Delete) the apply handler has accepted so far in this run, as
     * {@link PipelineResult#changesApplied()} will say at its end; for progress displays, from any
     * thread. Updated at the end of each batch the applier takes from the ring.
     */
    public long changesApplied() {
        ApplyRing ring = running;
        return ring == null ? 0 : ring.stage().changesApplied();
    }

    /**
     * The apply handler's {@link ApplyHandler#durableLsn() durable LSN}: the end of the last source
     * transaction committed on the target (with every earlier one), 0 before the handler opened.
     * From any thread; it moves as each transaction commits, ahead of the position confirmed to the
     * source, which follows it at the next feedback.
     */
    public long durableLsn() {
        return handler.durableLsn();
    }

    /** Waits until {@link #run()} has returned; returns whether it has. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private PipelineResult replicate(ApplyRing ring) {
        ConnectionSpec spec = config.source();
        if (spec.applicationName().equals(ConnectionSpec.DEFAULT_APPLICATION_NAME)) {
            spec = spec.withApplicationName(config.objectName());
        }
        SourceConnector connector = new SourceConnector(spec);
        SessionStarter starter = new SessionStarter(config, connector, ring, signals, stop);
        ProgressLog progress = new ProgressLog(config.pipelineName(), config.progressIntervalMs(), config.ringSize(),
                System.nanoTime());
        StreamReader reader = new StreamReader(ring, signals, handler, stop, tracker, position, progress,
                config.metrics(), config.statusIntervalMs(), config.receiveTimeoutMs());
        ReconnectBackoff backoff = new ReconnectBackoff(config.reconnectInitialBackoffMs(),
                config.reconnectMaxBackoffMs());
        long caughtUpLsn = config.exitWhenCaughtUp() ? starter.caughtUpTarget() : 0;
        int reconnects = 0;
        boolean streamed = false;
        for (long number = 1; ; number++) {
            SlotStream stream = null;
            StreamReader.End end;
            try {
                SessionStarter.Session session = starter.start(number, streamed);
                if (session == null) {
                    if (!stop.isRequested() && !signals.hasFailed()) {
                        throw new IllegalStateException("the applier thread of pipeline " + config.pipelineName()
                                + " ended without a recorded failure");
                    }
                    return finish(ring, null, reader, StreamReader.End.STOP_REQUESTED, reconnects);
                }
                stream = session.stream();
                position.seed(session.slotConfirmedLsn());
                tracker.resetStream();
                if (streamed) {
                    reconnects++;
                    config.metrics().sourceReconnected();
                    LOG.info("pipeline {}: reconnected to {}, streaming from slot {} at {} (attempt {})",
                            config.pipelineName(), spec.hostAndPort(), config.slotName(),
                            Lsn.format(session.slotConfirmedLsn()), backoff.attempt());
                } else {
                    if (caughtUpLsn != 0) {
                        LOG.info("pipeline {}: will exit when caught up with the source's WAL position {}",
                                config.pipelineName(), Lsn.format(caughtUpLsn));
                    }
                    config.metrics().catchingUpTo(caughtUpLsn != 0 ? caughtUpLsn : catchUpTarget(starter));
                }
                streamed = true;
                backoff.reset();
                end = reader.read(stream, new PgOutputDecoder(session.protocolVersion()), caughtUpLsn,
                        session.binary());
            } catch (RuntimeException | SQLException e) {
                if (stream != null && e instanceof SourceFailures.ReceiveTimeoutException) {
                    stream.abandon();
                } else if (stream != null) {
                    stream.close();
                }
                if (e instanceof ValueFormat.TextValuesNeededException) {
                    // Not a failure: nothing of that relation was published, and the next session
                    // resends from the slot's confirmed position, where the applier skips what it has.
                    LOG.warn("pipeline {}: {}; streaming in text from now on, from the slot's confirmed position",
                            config.pipelineName(), e.getMessage());
                    starter.useTextValues();
                    continue;
                }
                if (!streamed || !SourceFailures.isTransient(e)) {
                    throw failAfterDraining(ring, e);
                }
                if (stopRequestedDuringBackoff(e, spec, backoff)) {
                    return finish(ring, null, reader, StreamReader.End.STOP_REQUESTED, reconnects);
                }
                continue;
            }
            // Outside the try: a failure of the applier while draining must not look like a source failure.
            return finish(ring, stream, reader, end, reconnects);
        }
    }

    /**
     * The source's WAL position when streaming starts, which the status calls caught up with; read
     * only when someone can see the status, and 0 (taken as caught up) when it cannot be read.
     */
    private long catchUpTarget(SessionStarter starter) {
        if (!config.metrics().isPublished()) {
            return Lsn.INVALID;
        }
        try {
            return starter.caughtUpTarget();
        } catch (RuntimeException e) {
            LOG.debug("could not read the source's WAL position for the status: {}", e.getMessage());
            return Lsn.INVALID;
        }
    }

    /** Logs the lost connection and waits the backoff; returns whether a stop was requested meanwhile. */
    private boolean stopRequestedDuringBackoff(Exception e, ConnectionSpec spec, ReconnectBackoff backoff) {
        config.metrics().error(describe(e));
        long delayMs = backoff.nextDelayMs();
        LOG.warn("pipeline {}: lost the replication connection to {} ({}); reconnecting in {} ms (attempt {})",
                config.pipelineName(), spec.hostAndPort(), describe(e), delayMs, backoff.attempt());
        return stop.awaitMillis(delayMs);
    }

    /**
     * Ends a run that stopped without a source error: lets the applier drain the ring (unless it
     * failed), confirms the final position on the stream, and closes the stream.
     */
    private PipelineResult finish(ApplyRing ring, SlotStream stream, StreamReader reader, StreamReader.End end,
                                  int reconnects) {
        if (end != StreamReader.End.APPLY_FAILED) {
            ring.drainAndStop(config.statusIntervalMs(), APPLIER_STOP_TIMEOUT_MS, () -> keepAlive(stream, reader));
        } else {
            ring.stop(APPLIER_STOP_TIMEOUT_MS);
        }
        if (stream != null) {
            confirmFinal(stream, signals.hasFailed());
            stream.close();
        }
        if (signals.hasFailed()) {
            throw signals.failure();
        }
        PipelineResult.StopReason reason = end == StreamReader.End.CAUGHT_UP
                ? PipelineResult.StopReason.CAUGHT_UP : PipelineResult.StopReason.STOP_REQUESTED;
        ApplyStage stage = ring.stage();
        PipelineResult result = new PipelineResult(reason, position.confirmed(), handler.durableLsn(),
                stage.messagesApplied(), stage.changesApplied(), stage.transactionsApplied(), reconnects);
        LOG.info("pipeline {}: stopped ({}): {} changes in {} transactions applied, confirmed {}",
                config.pipelineName(), reason == PipelineResult.StopReason.CAUGHT_UP ? "caught up" : "stop requested",
                result.changesApplied(), result.transactionsApplied(), Lsn.format(result.confirmedLsn()));
        return result;
    }

    private static void keepAlive(SlotStream stream, StreamReader reader) {
        if (stream == null || stream.isClosed()) {
            return;
        }
        try {
            reader.updateFeedback(System.nanoTime());
            stream.sendStatusNow();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("status update while draining failed: {}", e.getMessage());
        }
    }

    /** Sends the last status update: the durable position, with idle advance unless {@code frozen}. */
    private void confirmFinal(SlotStream stream, boolean frozen) {
        if (stream.isClosed()) {
            return;
        }
        try {
            position.update(handler.durableLsn(), tracker, stream.lastReceiveLsn(), frozen);
            stream.confirm(position.confirmed());
            stream.sendStatusNow();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("pipeline {}: could not send the final position {} to the source ({}); the next run resumes"
                    + " from the slot's last confirmed position and skips what is already applied",
                    config.pipelineName(), Lsn.format(position.confirmed()), describe(e));
        }
    }

    /**
     * A failure that ends the run: the applier still applies what was published (whole transactions
     * among it become durable), then the failure is thrown, with the applier's own failure, if any,
     * attached.
     */
    private RuntimeException failAfterDraining(ApplyRing ring, Exception e) {
        ring.drainAndStop(config.statusIntervalMs(), APPLIER_STOP_TIMEOUT_MS, () -> { });
        RuntimeException failure = e instanceof SQLException
                ? SourceErrors.failed((SQLException) e, "streaming from slot " + config.slotName() + " on "
                        + config.source().hostAndPort(), null)
                : (RuntimeException) e;
        if (signals.hasFailed() && signals.failure() != failure) {
            failure.addSuppressed(signals.failure());
        }
        return failure;
    }

    /** The message of {@code e}, with the innermost cause's when it says more (a lost connection's reason). */
    private static String describe(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message = message + ": " + root.getMessage();
        }
        return message;
    }
}
