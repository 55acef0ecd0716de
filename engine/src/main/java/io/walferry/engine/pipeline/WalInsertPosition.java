package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads a source's WAL insert position as the end of the last record written: every transaction
 * committed before the read has its commit record, and so its end LSN, at or below it. The write
 * position ({@code pg_current_wal_lsn()}) can be behind asynchronous commits not written yet, so
 * it would not do. On a standby, the last position replayed.
 *
 * <p>{@code --exit-when-caught-up} waits for this position; {@code walferry bench} samples it to
 * measure lag. Owns one prepared statement on the caller's connection; one thread at a time.
 */
public final class WalInsertPosition implements AutoCloseable {
    /** {@code SizeOfXLogShortPHD}: the header of each WAL page. */
    static final int SHORT_PAGE_HEADER_BYTES = 24;
    /** {@code SizeOfXLogLongPHD}: the header of the first page of each WAL segment. */
    static final int LONG_PAGE_HEADER_BYTES = 40;

    private final PreparedStatement query;
    private final int walBlockBytes;
    private final long walSegmentBytes;

    private WalInsertPosition(PreparedStatement query, int walBlockBytes, long walSegmentBytes) {
        this.query = query;
        this.walBlockBytes = walBlockBytes;
        this.walSegmentBytes = walSegmentBytes;
    }

    /** Reads the server's WAL page and segment sizes and prepares the position query on {@code connection}. */
    public static WalInsertPosition prepare(Connection connection) throws SQLException {
        int blockBytes;
        long segmentBytes;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('wal_block_size')::int,"
                     + " (SELECT setting::bigint * CASE unit WHEN '8kB' THEN 8192 WHEN 'MB' THEN 1048576 ELSE 1 END"
                     + " FROM pg_catalog.pg_settings WHERE name = 'wal_segment_size')")) {
            row.next();
            blockBytes = row.getInt(1);
            segmentBytes = row.getLong(2);
        }
        PreparedStatement query = connection.prepareStatement("SELECT (CASE WHEN pg_catalog.pg_is_in_recovery()"
                + " THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_insert_lsn() END)::text");
        return new WalInsertPosition(query, blockBytes, segmentBytes);
    }

    /** The position now. */
    public long read() throws SQLException {
        try (ResultSet row = query.executeQuery()) {
            row.next();
            return recordBoundary(Lsn.parse(row.getString(1)), walBlockBytes, walSegmentBytes);
        }
    }

    /**
     * The insert position as the end of the last record: at a page start PostgreSQL reports the
     * position after the page header, where no record ends, and a walsender that has sent everything
     * reports the end of the last record, the page boundary. Elsewhere the two are the same.
     */
    static long recordBoundary(long insertLsn, int walBlockBytes, long walSegmentBytes) {
        if (walSegmentBytes > 0 && Long.remainderUnsigned(insertLsn, walSegmentBytes) == LONG_PAGE_HEADER_BYTES) {
            return insertLsn - LONG_PAGE_HEADER_BYTES;
        }
        if (walBlockBytes > 0 && Long.remainderUnsigned(insertLsn, walBlockBytes) == SHORT_PAGE_HEADER_BYTES) {
            return insertLsn - SHORT_PAGE_HEADER_BYTES;
        }
        return insertLsn;
    }

    @Override
    public void close() throws SQLException {
        query.close();
    }
}
