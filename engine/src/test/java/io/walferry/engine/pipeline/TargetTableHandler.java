package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.display.ValueFormatter;
import io.walferry.testkit.PgServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.agrona.DirectBuffer;

/**
 * A small, real {@link ApplyHandler} for tests: writes every row change it receives as a row
 * {@code (lsn, kind, id)} into table {@code applied} of a database on a real target server, and at
 * each Commit or Stream Commit records the transaction's end LSN in table {@code progress} in the
 * same target transaction, then reports it as durable. Transactions whose commit is at or below the
 * recorded progress are skipped (a stream restarted from the slot resends them). The first column of
 * every source table is its {@code id}.
 *
 * <p>Hooks let tests fail or block it; {@link #delivered()} lists every message it was handed.
 */
final class TargetTableHandler implements ApplyHandler {
    /** A message the pipeline handed over. */
    record Delivered(MessageType type, long lsn, long endLsn) {
    }

    /** Runs before a row change is applied, with the row's id; may throw. */
    interface RowHook {
        void beforeRow(long id) throws Exception;
    }

    /** Runs before a transaction is committed on the target, with its end LSN; may block. */
    interface CommitHook {
        void beforeCommit(long endLsn) throws Exception;
    }

    private final PgServer target;
    private final String database;
    private final String pipeline;
    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    private final List<Integer> openedWith = new CopyOnWriteArrayList<>();
    private final List<long[]> batch = new ArrayList<>();
    private final List<String> batchKinds = new ArrayList<>();
    private volatile long durableLsn;
    private volatile RowHook rowHook = id -> { };
    private volatile CommitHook commitHook = endLsn -> { };
    private volatile boolean closed;
    private Connection connection;
    private PgOutputDecoder decoder;
    private boolean skipping;

    TargetTableHandler(PgServer target, String database, String pipeline) {
        this.target = target;
        this.database = database;
        this.pipeline = pipeline;
    }

    TargetTableHandler onRow(RowHook hook) {
        this.rowHook = hook;
        return this;
    }

    TargetTableHandler onCommit(CommitHook hook) {
        this.commitHook = hook;
        return this;
    }

    @Override
    public long open(int protocolVersion) throws SQLException {
        openedWith.add(protocolVersion);
        closeConnection();
        connection = target.connect(database);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS applied (ord bigserial PRIMARY KEY, lsn bigint NOT NULL,"
                    + " kind text NOT NULL, id bigint)");
            statement.execute("CREATE TABLE IF NOT EXISTS progress (pipeline text PRIMARY KEY, end_lsn bigint NOT NULL)");
        }
        connection.setAutoCommit(false);
        long recorded = 0;
        try (PreparedStatement query = connection.prepareStatement("SELECT end_lsn FROM progress WHERE pipeline = ?")) {
            query.setString(1, pipeline);
            try (ResultSet row = query.executeQuery()) {
                if (row.next()) {
                    recorded = row.getLong(1);
                }
            }
        }
        connection.commit();
        durableLsn = recorded;
        decoder = new PgOutputDecoder(protocolVersion);
        skipping = false;
        batch.clear();
        batchKinds.clear();
        return recorded;
    }

    @Override
    public void onMessage(DirectBuffer buffer, int offset, int length, long lsn) throws Exception {
        MessageType type = decoder.wrap(buffer, offset, length);
        switch (type) {
            case BEGIN:
                delivered.add(new Delivered(type, lsn, 0));
                // A transaction is durable when its end is at or below the progress; its commit record
                // starts before its end, and no other transaction's commit lies in between.
                skipping = Lsn.compare(decoder.begin().finalLsn(), durableLsn) < 0;
                break;
            case INSERT:
                row(lsn, "insert", decoder.insert().relation(), decoder.insert().newTuple());
                break;
            case UPDATE:
                row(lsn, "update", decoder.update().relation(), decoder.update().newTuple());
                break;
            case DELETE:
                row(lsn, "delete", decoder.delete().relation(), decoder.delete().oldTuple());
                break;
            case COMMIT:
                delivered.add(new Delivered(type, lsn, decoder.commit().endLsn()));
                if (!skipping) {
                    commit(decoder.commit().endLsn());
                }
                skipping = false;
                break;
            case STREAM_START:
                delivered.add(new Delivered(type, lsn, 0));
                break;
            case STREAM_COMMIT:
                delivered.add(new Delivered(type, lsn, decoder.streamCommit().endLsn()));
                if (Lsn.compare(decoder.streamCommit().endLsn(), durableLsn) <= 0) {
                    rollback();
                } else {
                    commit(decoder.streamCommit().endLsn());
                }
                break;
            case STREAM_ABORT:
                delivered.add(new Delivered(type, lsn, 0));
                if (!decoder.streamAbort().topLevel()) {
                    throw new UnsupportedOperationException("the test handler cannot roll back a subtransaction");
                }
                rollback();
                break;
            default:
                delivered.add(new Delivered(type, lsn, 0));
                break;
        }
    }

    private void row(long lsn, String kind, RelationInfo relation, TupleData tuple) throws Exception {
        delivered.add(new Delivered(decoder.message().type(), lsn, 0));
        if (skipping) {
            return;
        }
        // The pipeline streams binary values when every published column allows it.
        long id = Long.parseLong(ValueFormatter.format(tuple, 0, relation.column(0).typeOid()));
        rowHook.beforeRow(id);
        batch.add(new long[] {lsn, id});
        batchKinds.add(kind);
        if (batch.size() >= 500) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO applied (lsn, kind, id) VALUES (?, ?, ?)")) {
            for (int i = 0; i < batch.size(); i++) {
                insert.setLong(1, batch.get(i)[0]);
                insert.setString(2, batchKinds.get(i));
                insert.setLong(3, batch.get(i)[1]);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        batch.clear();
        batchKinds.clear();
    }

    private void commit(long endLsn) throws Exception {
        flush();
        commitHook.beforeCommit(endLsn);
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO progress (pipeline, end_lsn)"
                + " VALUES (?, ?) ON CONFLICT (pipeline) DO UPDATE SET end_lsn = excluded.end_lsn")) {
            upsert.setString(1, pipeline);
            upsert.setLong(2, endLsn);
            upsert.executeUpdate();
        }
        connection.commit();
        durableLsn = endLsn;
    }

    private void rollback() throws SQLException {
        batch.clear();
        batchKinds.clear();
        connection.rollback();
    }

    @Override
    public long durableLsn() {
        return durableLsn;
    }

    @Override
    public void close() throws SQLException {
        closed = true;
        closeConnection();
    }

    private void closeConnection() throws SQLException {
        if (connection != null) {
            try {
                if (!connection.isClosed() && !connection.getAutoCommit()) {
                    connection.rollback();
                }
            } finally {
                connection.close();
                connection = null;
            }
        }
    }

    List<Delivered> delivered() {
        return delivered;
    }

    /** The protocol version of each open(). */
    List<Integer> openedWith() {
        return openedWith;
    }

    boolean isClosed() {
        return closed;
    }

    /** End LSNs of the Commit and Stream Commit messages delivered, in order. */
    List<Long> deliveredCommitEnds() {
        List<Long> ends = new ArrayList<>();
        for (Delivered message : delivered) {
            if (message.type() == MessageType.COMMIT || message.type() == MessageType.STREAM_COMMIT) {
                ends.add(message.endLsn());
            }
        }
        return ends;
    }

    long count(MessageType type) {
        return delivered.stream().filter(message -> message.type() == type).count();
    }
}
