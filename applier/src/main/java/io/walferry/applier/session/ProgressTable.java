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
            + " WHERE pipeline = ? AND lane BETWEEN ? AND ? AND end_lsn < ?::pg_catalog.pg_lsn";
    static final String READ_ALL = "SELECT lane, end_lsn::text, commit_lsn::text, source_xid FROM " + TABLE
            + " WHERE pipeline = ? ORDER BY lane";

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
    private final int lastLane;

    public ProgressTable(String pipeline, int lane) {
        this(pipeline, lane, lane);
    }

    private ProgressTable(String pipeline, int lane, int lastLane) {
        this.pipeline = pipeline;
        this.lane = lane;
        this.lastLane = lastLane;
    }

    /**
     * The rows of lanes {@code first} to {@code last} together: recording moves each of them that is
     * behind to the transaction recorded (a transaction applied by one session for every lane, with
     * the lanes idle). {@link #open} and {@link #peek} read lane {@code first}.
     */
    public static ProgressTable lanes(String pipeline, int first, int last) {
        return new ProgressTable(pipeline, first, last);
    }

    /**
     * Every lane's recorded progress of {@code pipeline}, by lane (empty when it has none, or the
     * table does not exist). Leaves the transaction to the caller.
     */
    public static java.util.SortedMap<Integer, Progress> readAll(Connection connection, String pipeline)
            throws SQLException {
        java.util.SortedMap<Integer, Progress> lanes = new java.util.TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery(EXISTS)) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return lanes;
            }
        }
        try (PreparedStatement read = connection.prepareStatement(READ_ALL)) {
            read.setString(1, pipeline);
            try (ResultSet row = read.executeQuery()) {
                while (row.next()) {
                    lanes.put(row.getInt(1), new Progress(Lsn.parse(row.getString(2)), Lsn.parse(row.getString(3)),
                            row.getLong(4)));
                }
            }
        }
        return lanes;
    }

    /**
     * How far the whole pipeline is applied: the lane furthest behind (every source transaction
     * that ended at or before its end LSN is on the target, for every lane), or {@code null} when
     * the pipeline has no progress recorded. Leaves the transaction to the caller.
     */
    public static Progress level(Connection connection, String pipeline) throws SQLException {
        Progress level = null;
        for (Progress progress : readAll(connection, pipeline).values()) {
            if (level == null || Lsn.compare(progress.endLsn(), level.endLsn()) < 0) {
                level = progress;
            }
        }
        return level;
    }

    /**
     * Replaces every row of {@code pipeline} by the rows of lanes {@code first} to {@code last}, all
     * at {@code at}, in the caller's transaction (which must have created the table: see
     * {@link #open}): an apply mode or a number of lanes taking over from the rows of another, which
     * must all have been at {@code at}.
     */
    public static void replaceLanes(Connection connection, String pipeline, int first, int last, Progress at)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE pipeline = ?")) {
            delete.setString(1, pipeline);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                + " (pipeline, lane, end_lsn, commit_lsn, source_xid) VALUES (?, ?, ?::pg_catalog.pg_lsn,"
                + " ?::pg_catalog.pg_lsn, ?)")) {
            for (int lane = first; lane <= last; lane++) {
                insert.setString(1, pipeline);
                insert.setInt(2, lane);
                insert.setString(3, Lsn.format(at.endLsn()));
                insert.setString(4, Lsn.format(at.commitLsn()));
                insert.setLong(5, at.sourceXid());
                insert.addBatch();
            }
            insert.executeBatch();
        }
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

    /**
     * Makes lanes {@code first} to {@code last} the rows of {@code pipeline}, when its rows are other
     * lanes (another apply mode, or another number of lanes) that all stand at the same place:
     * they are replaced by the new lanes at that place, and the transaction commits. Returns
     * {@code null} when the rows are (or now are) the lanes asked for, or when there are none; else,
     * when the other lanes stand at different places (a batched apply stopped mid-batch by a crash),
     * leaves them and returns them, for a message.
     */
    public static java.util.SortedMap<Integer, Progress> adopt(Connection connection, String pipeline, int first,
                                                               int last) throws SQLException {
        java.util.SortedMap<Integer, Progress> rows = readAll(connection, pipeline);
        if (rows.isEmpty() || (rows.size() == last - first + 1 && rows.firstKey() == first && rows.lastKey() == last)) {
            connection.commit();
            return null;
        }
        Progress at = null;
        for (Progress progress : rows.values()) {
            if (at == null) {
                at = progress;
            } else if (progress.endLsn() != at.endLsn()) {
                connection.rollback();
                return rows;
            }
        }
        replaceLanes(connection, pipeline, first, last, at);
        connection.commit();
        return null;
    }

    /** Creates the table when missing, without committing. */
    public static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet exists = statement.executeQuery(EXISTS)) {
            exists.next();
            if (!exists.getBoolean(1)) {
                // Only when missing: CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege first.
                statement.execute(CREATE_SCHEMA);
                statement.execute(CREATE_TABLE);
            }
        }
    }

    /** Creates the table and this lane's row when missing, reads the row, and commits. */
    public Progress open(Connection connection) throws SQLException {
        create(connection);
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

    /** The statement that moves progress rows forward; bind it with {@link #bindRecord}. */
    public static String recordSql() {
        return RECORD;
    }

    /** Binds {@link #RECORD}: the row moves to this transaction, and only forward. */
    public void bindRecord(PreparedStatement record, long endLsn, long commitLsn, long sourceXid) throws SQLException {
        String end = Lsn.format(endLsn);
        record.setString(1, end);
        record.setString(2, Lsn.format(commitLsn));
        record.setLong(3, sourceXid);
        record.setString(4, pipeline);
        record.setInt(5, lane);
        record.setInt(6, lastLane);
        record.setString(7, end);
    }

    /**
     * Whether {@code rows}, what the recording statement updated, is right: exactly the one row of a
     * single lane (none means another process moved it, or it is gone); for several lanes, any
     * number of them (the ones already at or past the transaction stay).
     */
    boolean recorded(int rows) {
        return lane == lastLane ? rows == 1 : rows >= 0 && rows <= lastLane - lane + 1;
    }

    /** For messages: {@code walferry.apply_progress (pipeline "p", lane 0)}. */
    String describeRow() {
        return TABLE + " (pipeline \"" + pipeline + "\", lane " + (lane == lastLane ? lane : lane + " to " + lastLane) + ")";
    }
}
