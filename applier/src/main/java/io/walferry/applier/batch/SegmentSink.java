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
 * <p>A segment ends when it is full ({@link #MAX_CHANGES} changes, {@link #MAX_BYTES} bytes of
 * messages), and before anything else the session does: the end of a streamed block, a savepoint (a
 * subtransaction's first change), a TRUNCATE, the commit. Memory is bounded by one segment.
 */
public final class SegmentSink implements TargetSession.SetWise {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSink.class);
    static final int MAX_CHANGES = 20_000;
    static final long MAX_BYTES = 16L << 20;
    private static final String SAVEPOINT = "walferry_segment";

    private final int protocolVersion;
    private final ApplyMetrics metrics;
    private final Coalescer coalescer = new Coalescer(1, null);
    private Cycle segment = new Cycle(1);
    private SetApply apply;
    private Connection applyConnection;

    public SegmentSink(int protocolVersion, ApplyMetrics metrics) {
        this.protocolVersion = protocolVersion;
        this.metrics = metrics;
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
        return segment.changes() >= MAX_CHANGES || segment.log.size() >= MAX_BYTES || segment.exact();
    }

    @Override
    public boolean isEmpty() {
        return segment.changes() == 0;
    }

    @Override
    public void flush(Connection connection, Consumer<PgOutputMessage> rows) throws SQLException {
        Cycle applying = segment;
        segment = new Cycle(1);
        if (applying.changes() == 0) {
            return;
        }
        if (applying.exact()) {
            replay(applying, rows);
            return;
        }
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
            if (failure != null) {
                statement.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                metrics.fallback();
                LOG.info("{} changes of a streamed transaction are applied statement by statement in source order"
                        + " instead: {}", applying.changes(), failure);
                replay(applying, rows);
            }
            statement.execute("RELEASE SAVEPOINT " + SAVEPOINT);
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
        segment = new Cycle(1);
    }

    @Override
    public void close() {
        if (apply != null) {
            apply.close();
            apply = null;
        }
    }
}
