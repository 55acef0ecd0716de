package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.testkit.PgPair;
import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A source database and a target database on real servers, and a pipeline named after the source
 * database (so that its slot, which is server-wide, is the test's own). Closing it drops the slot.
 */
final class PipelineFixture implements AutoCloseable {
    static final int TARGET_VERSION = 17;

    private final PgServer source;
    private final PgServer target;
    private final String sourceDatabase;
    private final String targetDatabase;
    private final String pipeline;

    private PipelineFixture(PgPair pair, String sourceDatabase, String targetDatabase) {
        this.source = pair.source();
        this.target = pair.target();
        this.sourceDatabase = sourceDatabase;
        this.targetDatabase = targetDatabase;
        this.pipeline = sourceDatabase;
    }

    static PipelineFixture create(int sourceVersion, String prefix) throws SQLException {
        PgPair pair = TestPostgres.pair(sourceVersion, TARGET_VERSION);
        return new PipelineFixture(pair, pair.source().createDatabase(prefix), pair.target().createDatabase(prefix));
    }

    /** The pipeline with quick feedback and reconnects, as tests want them. */
    PipelineConfig config() {
        return PipelineConfig.of(ConnectionSpec.parse(source.libpqUrl(sourceDatabase)))
                .withPipelineName(pipeline)
                .withStatusIntervalMs(100)
                .withReconnectBackoff(100, 1_000)
                .withProgressIntervalMs(1_000)
                .withSlotReleaseWaitMs(2_000);
    }

    TargetTableHandler handler() {
        return new TargetTableHandler(target, targetDatabase, pipeline);
    }

    String slotName() {
        return PipelineConfig.OBJECT_PREFIX + pipeline;
    }

    PgServer sourceServer() {
        return source;
    }

    Connection connectSource() throws SQLException {
        return source.connect(sourceDatabase);
    }

    void source(String... statements) throws SQLException {
        try (Connection connection = connectSource(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Runs {@code sql} as one transaction on the source and returns the WAL position after its commit. */
    long sourceTransaction(String... statements) throws SQLException {
        try (Connection connection = connectSource(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
            connection.setAutoCommit(true);
            return currentWalLsn(statement);
        }
    }

    long currentWalLsn() throws SQLException {
        try (Connection connection = connectSource(); Statement statement = connection.createStatement()) {
            return currentWalLsn(statement);
        }
    }

    private static long currentWalLsn(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            row.next();
            return Lsn.parse(row.getString(1));
        }
    }

    /** The slot's {@code confirmed_flush_lsn}, or -1 when the slot does not exist. */
    long slotConfirmedLsn() throws SQLException {
        String value = slotColumn("confirmed_flush_lsn::text");
        return value == null ? -1 : Lsn.parse(value);
    }

    /** The walsender using the slot, 0 when none (or no slot). */
    int slotActivePid() throws SQLException {
        String value = slotColumn("coalesce(active_pid, 0)::text");
        return value == null ? 0 : Integer.parseInt(value);
    }

    private String slotColumn(String expression) throws SQLException {
        try (Connection connection = connectSource(); PreparedStatement query = connection.prepareStatement(
                "SELECT " + expression + " FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slotName());
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /** Sessions on the source named after the pipeline (its connections), other than process {@code exceptPid}. */
    long sessionsOfPipeline(int exceptPid) throws SQLException {
        try (Connection connection = connectSource(); PreparedStatement query = connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND pid <> ?")) {
            query.setString(1, slotName());
            query.setInt(2, exceptPid);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** pg_stat_replication's {@code write_lsn} or {@code flush_lsn} of the pipeline's walsender, 0 when none. */
    long walsenderLsn(String column) throws SQLException {
        try (Connection connection = connectSource(); PreparedStatement query = connection.prepareStatement(
                "SELECT " + column + "::text FROM pg_stat_replication WHERE application_name = ?")) {
            query.setString(1, slotName());
            try (ResultSet row = query.executeQuery()) {
                String value = row.next() ? row.getString(1) : null;
                return value == null ? 0 : Lsn.parse(value);
            }
        }
    }

    /** Waits until the pipeline streams from its slot: changes committed before that are not sent. */
    /**
     * Waits until a walsender streams from the slot. {@code active_pid} alone is not enough: the
     * slot is held while CREATE_REPLICATION_SLOT runs, released, then held again by
     * START_REPLICATION; the walsender's catchup or streaming state comes only after that.
     */
    void awaitStreaming() throws Exception {
        Await.until("slot " + slotName() + " is streamed from", Duration.ofSeconds(30),
                () -> "t".equals(slotColumn("EXISTS (SELECT 1 FROM pg_stat_replication r WHERE r.pid = active_pid"
                        + " AND r.state IN ('catchup', 'streaming'))")));
    }

    void awaitSlotReleased() throws Exception {
        Await.until("slot " + slotName() + " is released", Duration.ofSeconds(30), () -> slotActivePid() == 0);
    }

    void dropSlot() throws Exception {
        awaitSlotReleased();
        source("SELECT pg_drop_replication_slot('" + slotName() + "')");
    }

    /** Writes WAL in a database of its own on the source server, which the pipeline does not publish. */
    void writeElsewhere() throws SQLException {
        String other = source.createDatabase("elsewhere");
        try (Connection connection = source.connect(other); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE noise (id int PRIMARY KEY)");
            statement.execute("INSERT INTO noise SELECT generate_series(1, 100)");
        }
    }

    long targetLong(String sql) throws SQLException {
        try (Connection connection = target.connect(targetDatabase); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Rows of table {@code applied} on the target, as {@code kind:id}, in the order they were applied. */
    java.util.List<String> appliedRows() throws SQLException {
        java.util.List<String> rows = new java.util.ArrayList<>();
        try (Connection connection = target.connect(targetDatabase); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT kind, id FROM applied ORDER BY ord")) {
            while (row.next()) {
                rows.add(row.getString(1) + ":" + row.getLong(2));
            }
        }
        return rows;
    }

    long appliedCount() throws SQLException {
        return targetLong("SELECT count(*) FROM applied");
    }

    /** Drops the slot (whatever the test left running is stopped by then), so no WAL is held. */
    @Override
    public void close() throws Exception {
        if (slotConfirmedLsn() >= 0) {
            int pid = slotActivePid();
            if (pid != 0) {
                source("SELECT pg_terminate_backend(" + pid + ")");
            }
            dropSlot();
        }
    }
}
