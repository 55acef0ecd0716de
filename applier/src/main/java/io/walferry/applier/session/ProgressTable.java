package io.walferry.applier.session;

import io.walferry.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The applier's progress, kept in the target so that it commits atomically with the data it
 * covers:
 * <pre>
 * CREATE TABLE walferry.apply_progress (
 *     pipeline   text        NOT NULL,  -- the pipeline's name
 *     lane       int         NOT NULL,  -- 0 for the transactional applier
 *     end_lsn    pg_lsn      NOT NULL,  -- end LSN of the last source transaction applied
 *     commit_lsn pg_lsn      NOT NULL,  -- its commit LSN
 *     source_xid bigint      NOT NULL,  -- its xid on the source
 *     applied_at timestamptz NOT NULL,  -- when it committed on the target
 *     PRIMARY KEY (pipeline, lane))
 * </pre>
 * Created by {@link #open} when missing (with the schema {@code walferry}). Each applied source
 * transaction moves its lane's row forward in the same target transaction as its changes, right
 * before COMMIT; the update only ever moves {@code end_lsn} forward, so a second process applying
 * the same pipeline fails instead of applying a transaction twice.
 */
public final class ProgressTable {
    /** The table, schema-qualified. */
    public static final String TABLE = "walferry.apply_progress";

    static final String EXISTS = "SELECT pg_catalog.to_regclass('" + TABLE + "') IS NOT NULL";
    static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS walferry";
    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
            + "pipeline text NOT NULL, lane int NOT NULL, end_lsn pg_catalog.pg_lsn NOT NULL,"
            + " commit_lsn pg_catalog.pg_lsn NOT NULL, source_xid bigint NOT NULL,"
            + " applied_at timestamptz NOT NULL DEFAULT pg_catalog.now(), PRIMARY KEY (pipeline, lane))";
    static final String INSERT_ROW = "INSERT INTO " + TABLE + " (pipeline, lane, end_lsn, commit_lsn, source_xid)"
            + " VALUES (?, ?, '0/0', '0/0', 0) ON CONFLICT (pipeline, lane) DO NOTHING";
    static final String READ = "SELECT end_lsn::text, commit_lsn::text, source_xid FROM " + TABLE
            + " WHERE pipeline = ? AND lane = ?";
    static final String RECORD = "UPDATE " + TABLE + " SET end_lsn = ?::pg_catalog.pg_lsn,"
            + " commit_lsn = ?::pg_catalog.pg_lsn, source_xid = ?, applied_at = pg_catalog.clock_timestamp()"
            + " WHERE pipeline = ? AND lane = ? AND end_lsn < ?::pg_catalog.pg_lsn";

    /**
     * One lane's recorded progress.
     *
     * @param endLsn    end LSN of the last source transaction applied, 0 when none
     * @param commitLsn its commit LSN
     * @param sourceXid its source xid
     */
    public record Progress(long endLsn, long commitLsn, long sourceXid) {
    }

    private final String pipeline;
    private final int lane;

    public ProgressTable(String pipeline, int lane) {
        this.pipeline = pipeline;
        this.lane = lane;
    }

    public String pipeline() {
        return pipeline;
    }

    public int lane() {
        return lane;
    }

    /**
     * The lane's recorded progress without creating anything, or {@code null} when the pipeline has
     * none (no table, or no row). Leaves the transaction to the caller.
     */
    public Progress peek(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery(EXISTS)) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return null;
            }
        }
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, pipeline);
            read.setInt(2, lane);
            try (ResultSet row = read.executeQuery()) {
                return row.next() ? new Progress(Lsn.parse(row.getString(1)), Lsn.parse(row.getString(2)),
                        row.getLong(3)) : null;
            }
        }
    }

    /**
     * Deletes every lane's row of the pipeline, in the caller's transaction; returns how many went.
     * A missing table counts as nothing to delete.
     */
    public static int remove(Connection connection, String pipeline) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery(EXISTS)) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return 0;
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE pipeline = ?")) {
            delete.setString(1, pipeline);
            return delete.executeUpdate();
        }
    }

    /** Creates the table and this lane's row when missing, reads the row, and commits. */
    public Progress open(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery(EXISTS)) {
            exists.next();
            if (!exists.getBoolean(1)) {
                // Only when missing: CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege first.
                statement.execute(CREATE_SCHEMA);
                statement.execute(CREATE_TABLE);
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ROW)) {
            insert.setString(1, pipeline);
            insert.setInt(2, lane);
            insert.executeUpdate();
        }
        Progress progress;
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setString(1, pipeline);
            read.setInt(2, lane);
            try (ResultSet row = read.executeQuery()) {
                row.next();
                progress = new Progress(Lsn.parse(row.getString(1)), Lsn.parse(row.getString(2)), row.getLong(3));
            }
        }
        connection.commit();
        return progress;
    }

    /**
     * Records {@code lsn} as the lane's progress when it is behind it, and commits: the start of a
     * newly created slot, before any transaction was applied.
     */
    public void recordStart(Connection connection, long lsn) throws SQLException {
        try (PreparedStatement record = connection.prepareStatement(RECORD)) {
            bindRecord(record, lsn, lsn, 0);
            record.executeUpdate();
        }
        connection.commit();
    }

    /** Binds {@link #RECORD}: the row moves to this transaction, and only forward. */
    void bindRecord(PreparedStatement record, long endLsn, long commitLsn, long sourceXid) throws SQLException {
        String end = Lsn.format(endLsn);
        record.setString(1, end);
        record.setString(2, Lsn.format(commitLsn));
        record.setLong(3, sourceXid);
        record.setString(4, pipeline);
        record.setInt(5, lane);
        record.setString(6, end);
    }

    /** For messages: {@code walferry.apply_progress (pipeline "p", lane 0)}. */
    String describeRow() {
        return TABLE + " (pipeline \"" + pipeline + "\", lane " + lane + ")";
    }
}
