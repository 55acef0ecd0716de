package io.walferry.applier.batch;

import io.walferry.applier.session.TargetSession;
import io.walferry.applier.sql.SetStatements;
import io.walferry.decoder.DeleteMessage;
import io.walferry.decoder.InsertMessage;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.PgOutputMessage;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.UpdateMessage;
import io.walferry.engine.metrics.ApplyMetrics;
import io.walferry.engine.metrics.ChangeOp;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set-wise buffer of one streamed transaction's session in the batched mode: its changes are
 * coalesced per key into a segment of one lane (the algebra of {@link Cycle}), and each segment is
 * applied with the set-wise statements inside the streamed transaction's target transaction, under
 * a savepoint. A segment the algebra cannot coalesce, or whose set-wise apply fails in a way the
 * order of changes can cause, is applied statement by statement instead, in source order (after
 * rolling back to the savepoint): the messages are kept, and read again.
 *
 * <p>A segment ends when it is full (as many changes as a batch of the batched mode, by default
 * {@link #MAX_CHANGES}; {@link #MAX_BYTES} bytes of
 * messages), and before anything else the session does: the end of a streamed block, a savepoint (a
 * subtransaction's first change), a TRUNCATE, the commit. A full segment is applied on a thread of
 * its own while the next one gathers (the session's thread decodes and coalesces, the target
 * executes: they no longer take turns); the session waits for it before the next segment and before
 * anything else it does on the connection, and re-applies it statement by statement, on its own
 * thread, when it must. Memory is bounded by two segments.
 */
public final class SegmentSink implements TargetSession.SetWise {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSink.class);
    static final int MAX_CHANGES = 20_000;
    static final long MAX_BYTES = 16L << 20;
    private static final String SAVEPOINT = "walferry_segment";

    private final int protocolVersion;
    private final ApplyMetrics metrics;
    private final int maxChanges;
    private final Coalescer coalescer = new Coalescer(1, null);
    private Cycle segment = new Cycle(1);
    private SetApply apply;
    private Connection applyConnection;
    /** The thread that applies a full segment while the next one gathers; made on first use. */
    private ExecutorService background;
    /** The segment applied in the background, its connection, and its outcome (null: none). */
    private Future<String> inFlight;
    private Cycle inFlightSegment;
    private Connection inFlightConnection;

    /** A sink whose segments end at {@code maxChanges} changes ({@link #MAX_CHANGES} when 0 or less). */
    public SegmentSink(int protocolVersion, ApplyMetrics metrics, int maxChanges) {
        this.protocolVersion = protocolVersion;
        this.metrics = metrics;
        this.maxChanges = maxChanges > 0 ? maxChanges : MAX_CHANGES;
    }

    @Override
    public boolean describedAnew(RelationInfo relation) {
        RelationInfo held = segment.seeds.get(relation.relationId());
        return held != null && held != relation;
    }

    @Override
    public void add(PgOutputMessage change, RelationInfo relation, SetStatements statements) {
        segment.seed(relation);
        int index = segment.log(change.buffer(), change.offset(), change.length());
        switch (change.type()) {
            case INSERT -> {
                segment.counted(relation.qualifiedName(), ChangeOp.INSERT);
                coalescer.insert(segment, (InsertMessage) change, relation, statements, index, 0);
            }
            case UPDATE -> {
                segment.counted(relation.qualifiedName(), ChangeOp.UPDATE);
                coalescer.update(segment, (UpdateMessage) change, relation, statements, index, 0);
            }
            case DELETE -> {
                segment.counted(relation.qualifiedName(), ChangeOp.DELETE);
                coalescer.delete(segment, (DeleteMessage) change, relation, statements, index, 0);
            }
            default -> throw new IllegalArgumentException("not a row change: " + change.type());
        }
    }

    @Override
    public boolean full() {
        return segment.changes() >= maxChanges || segment.log.size() >= MAX_BYTES || segment.exact();
    }

    @Override
    public void flushInBackground(Connection connection, Consumer<PgOutputMessage> rows) throws SQLException {
        if (inFlight != null) {
            throw new IllegalStateException("a segment is still being applied: settle() first");
        }
        Cycle applying = take();
        if (applying == null) {
            return;
        }
        if (applying.exact()) {
            replay(applying, rows);
            return;
        }
        if (background == null) {
            background = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "walferry-segment");
                thread.setDaemon(true);
                return thread;
            });
        }
        inFlight = background.submit(() -> applySegment(connection, applying));
        inFlightSegment = applying;
        inFlightConnection = connection;
    }

    @Override
    public void settle(Consumer<PgOutputMessage> rows) throws SQLException {
        if (inFlight == null) {
            return;
        }
        Cycle applying = inFlightSegment;
        Connection connection = inFlightConnection;
        String failure = await();
        finish(connection, applying, failure, rows);
    }

    /** The segment gathered so far, now being applied (a new one gathers), or null when it holds no change. */
    private Cycle take() {
        Cycle applying = segment;
        segment = new Cycle(1);
        return applying.changes() == 0 ? null : applying;
    }

    /**
     * Applies a segment set-wise under a savepoint, on the background thread: null when it did (the
     * savepoint released), or why it must be applied statement by statement (rolled back to the
     * savepoint, which {@link #finish} releases).
     */
    private String applySegment(Connection connection, Cycle applying) throws SQLException {
        if (apply == null || applyConnection != connection) {
            if (apply != null) {
                apply.close();
            }
            apply = new SetApply(connection, metrics);
            applyConnection = connection;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SAVEPOINT " + SAVEPOINT);
            String failure = null;
            try {
                apply.apply(applying.lane(0));
            } catch (OrderingFailure e) {
                failure = e.getMessage();
            } catch (SQLException e) {
                if (!OrderingFailure.causedBy(e)) {
                    throw e;
                }
                failure = OrderingFailure.describe(e);
            }
            statement.execute(failure == null ? "RELEASE SAVEPOINT " + SAVEPOINT : "ROLLBACK TO SAVEPOINT " + SAVEPOINT);
            return failure;
        }
    }

    /** After {@link #applySegment}, on the session's thread (in {@link #settle}): the statement-by-statement apply it asked for. */
    private void finish(Connection connection, Cycle applying, String failure, Consumer<PgOutputMessage> rows)
            throws SQLException {
        if (failure == null) {
            return;
        }
        metrics.fallback();
        LOG.info("{} changes of a streamed transaction are applied statement by statement in source order"
                + " instead: {}", applying.changes(), failure);
        replay(applying, rows);
        try (Statement statement = connection.createStatement()) {
            statement.execute("RELEASE SAVEPOINT " + SAVEPOINT);
        }
    }

    /**
     * Waits for the background apply; its result, or its failure thrown. Not interruptible: the
     * connection is the background thread's until it is done (an interrupt is kept for the caller).
     */
    private String await() throws SQLException {
        Future<String> waited = inFlight;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return waited.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new SQLException("applying a segment of a streamed transaction failed: " + cause, cause);
        } finally {
            inFlight = null;
            inFlightSegment = null;
            inFlightConnection = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the background apply, whatever its outcome: its changes are being rolled back. */
    private void awaitQuietly() {
        if (inFlight == null) {
            return;
        }
        try {
            await();
        } catch (SQLException | RuntimeException | Error e) {
            // Rolled back by the caller next, whatever it was.
            LOG.debug("a segment applied in the background failed; its changes are being rolled back: {}", e.toString());
        }
    }

    /** Hands the segment's changes to {@code rows}, in source order, read again from their messages. */
    private void replay(Cycle applying, Consumer<PgOutputMessage> rows) {
        PgOutputDecoder decoder = applying.replayDecoder(protocolVersion);
        // The changes were sent inside a streamed block (each carries its xid): read them in one.
        byte[] streamStart = {'S', 0, 0, 0, 0, 0};
        decoder.wrap(new UnsafeBuffer(streamStart), 0, streamStart.length);
        RawLog log = applying.log;
        for (int i = 0; i < log.count(); i++) {
            MessageType type = log.read(decoder, i);
            rows.accept(switch (type) {
                case INSERT -> decoder.insert();
                case UPDATE -> decoder.update();
                case DELETE -> decoder.delete();
                default -> throw new IllegalStateException("a " + type.displayName() + " message in a segment of changes");
            });
        }
    }

    @Override
    public void clear() {
        awaitQuietly();
        segment = new Cycle(1);
    }

    @Override
    public void close() {
        awaitQuietly();
        if (background != null) {
            background.shutdown();
            background = null;
        }
        if (apply != null) {
            apply.close();
            apply = null;
        }
    }
}
