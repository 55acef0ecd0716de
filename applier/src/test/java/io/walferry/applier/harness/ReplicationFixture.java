package io.walferry.applier.harness;

import io.walferry.applier.ApplierOptions;
import io.walferry.applier.BatchOptions;
import io.walferry.applier.BatchedApplier;
import io.walferry.applier.TransactionalApplier;
import io.walferry.decoder.InsertMessage;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.display.ValueFormatter;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.testkit.PgPair;
import io.walferry.testkit.PgServer;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * A source database and a target database with the same tables, a publication FOR ALL TABLES and a
 * logical slot on the source, and the real pgoutput stream read from it through pgjdbc's replication
 * API and handed, message by message, to an {@link ApplyHandler}.
 *
 * <p>{@link #run} executes SQL on the source, then inserts a row into a marker table and delivers
 * messages until that row's transaction commits, so after it returns the applier has been handed
 * everything the SQL produced. Every delivered message is kept ({@link #captured()}) so that a test
 * can hand the same stream to a second applier.
 */
public final class ReplicationFixture implements AutoCloseable {
    private static final long READ_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String MARKER_TABLE = "walferry_test_marker";
    private static final String PUBLICATION = "walferry_test_pub";

    /** One message as the stream delivered it. */
    public record Captured(long lsn, byte[] bytes) {
        public MessageType type() {
            return MessageType.fromTypeByte(bytes[0]);
        }
    }

    private final PgPair pair;
    private final String sourceDatabase;
    private final String targetDatabase;
    private final int protocolVersion;
    private final String slot;
    private final Connection sourceSql;
    private final Connection targetSql;
    private final List<Captured> captured = new ArrayList<>();
    private final PgOutputDecoder watcher;
    private final FixtureOptions options;
    /** The DDL run on the source and the target, marker table included: what a further target gets. */
    private final List<String> tables;
    private final List<Connection> furtherTargets = new ArrayList<>();
    private Connection replication;
    private PGReplicationStream stream;
    private long markers;

    private ReplicationFixture(PgPair pair, FixtureOptions options, List<String> ddl) throws SQLException {
        this.pair = pair;
        this.options = options;
        this.sourceDatabase = pair.source().createDatabase("apply_src");
        this.targetDatabase = pair.target().createDatabase("apply_dst");
        this.protocolVersion = pair.source().majorVersion() >= 16 ? 4 : pair.source().majorVersion() >= 15 ? 3 : 2;
        this.slot = "slot_" + sourceDatabase;
        this.watcher = new PgOutputDecoder(protocolVersion);
        this.sourceSql = pair.source().connect(sourceDatabase);
        this.targetSql = pair.target().connect(targetDatabase);
        List<String> all = new ArrayList<>(ddl);
        all.add("CREATE TABLE " + MARKER_TABLE + " (n bigint)");
        this.tables = List.copyOf(all);
        for (String statement : all) {
            execute(sourceSql, statement);
            execute(targetSql, statement);
        }
        execute(sourceSql, "CREATE PUBLICATION " + PUBLICATION + " FOR ALL TABLES"
                + (options.publishViaPartitionRoot() ? " WITH (publish_via_partition_root = true)" : ""));
        startStream(true);
    }

    /** A fixture on {@code pair} whose source and target databases both have the tables of {@code ddl}. */
    public static ReplicationFixture create(PgPair pair, String... ddl) throws SQLException {
        return new ReplicationFixture(pair, FixtureOptions.DEFAULTS, List.of(ddl));
    }

    public static ReplicationFixture create(PgPair pair, FixtureOptions options, String... ddl) throws SQLException {
        return new ReplicationFixture(pair, options, List.of(ddl));
    }

    private void startStream(boolean createSlot) throws SQLException {
        replication = openReplication(pair.source(), sourceDatabase);
        if (createSlot) {
            String kind = options.permanentSlot() ? "" : " TEMPORARY";
            String command = pair.source().majorVersion() >= 15
                    ? "CREATE_REPLICATION_SLOT " + slot + kind + " LOGICAL pgoutput (SNAPSHOT 'nothing'"
                    + (options.twoPhase() ? ", TWO_PHASE true)" : ")")
                    : "CREATE_REPLICATION_SLOT " + slot + kind + " LOGICAL pgoutput NOEXPORT_SNAPSHOT";
            execute(replication, command);
        }
        if (!options.decodeLater()) {
            openStream();
        }
    }

    /** Starts streaming from the slot on the replication connection. */
    private void openStream() throws SQLException {
        ChainedLogicalStreamBuilder builder = replication.unwrap(PGConnection.class).getReplicationAPI()
                .replicationStream().logical()
                .withSlotName(slot)
                .withStartPosition(LogSequenceNumber.INVALID_LSN)
                .withStatusInterval(1, TimeUnit.SECONDS)
                .withSlotOption("proto_version", Integer.toString(protocolVersion))
                .withSlotOption("publication_names", PUBLICATION)
                .withSlotOption("messages", "true")
                .withSlotOption("streaming", protocolVersion >= 4 ? "parallel" : "on");
        if (options.binary()) {
            builder.withSlotOption("binary", "true");
        }
        if (options.twoPhase()) {
            builder.withSlotOption("two_phase", "on");
        }
        stream = builder.start();
    }

    /**
     * Ends the replication connection and starts a new one on the same (permanent) slot, from the
     * slot's confirmed position: the server sends again everything not confirmed, as after a crash.
     */
    public void restartStream() throws SQLException {
        if (!options.permanentSlot()) {
            throw new IllegalStateException("restartStream needs FixtureOptions.permanentSlot");
        }
        closeStream();
        startStream(false);
        watcher.reset();
    }

    /** Tells the slot that everything up to {@code lsn} is applied (the pipeline's feedback). */
    public void confirm(long lsn) throws SQLException {
        if (stream == null) {
            openStream();
        }
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn);
        stream.setAppliedLSN(position);
        stream.setFlushedLSN(position);
        stream.forceUpdateStatus();
    }

    private static Connection openReplication(PgServer server, String database) throws SQLException {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, server.user());
        if (server.password() != null) {
            PGProperty.PASSWORD.set(properties, server.password());
        }
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        return DriverManager.getConnection(server.jdbcUrl(database), properties);
    }

    /** The pgoutput protocol version the stream runs: 2 on PostgreSQL 14, 4 on 16 and later. */
    public int protocolVersion() {
        return protocolVersion;
    }

    /** The target database as the applier's connection settings. */
    public ConnectionSpec targetSpec() {
        return ConnectionSpec.parse(pair.target().libpqUrl(targetDatabase));
    }

    /** A new applier into the target for {@code pipeline}, opened for this stream's protocol version. */
    public TransactionalApplier openApplier(String pipeline) throws Exception {
        return openApplier(pipeline, ApplierOptions.DEFAULTS);
    }

    public TransactionalApplier openApplier(String pipeline, ApplierOptions applierOptions) throws Exception {
        TransactionalApplier applier = new TransactionalApplier(targetSpec(), pipeline, applierOptions);
        applier.open(protocolVersion);
        return applier;
    }

    /**
     * A new applier of apply mode {@code mode} ({@code transactional}, or {@code batched}: 3 lanes,
     * batches of at most 50 rows so that several form) for {@code pipeline}, opened for this stream.
     */
    public ApplyHandler openHandler(String pipeline, String mode) throws Exception {
        ApplyHandler handler = switch (mode) {
            case "transactional" -> new TransactionalApplier(targetSpec(), pipeline, ApplierOptions.DEFAULTS);
            case "batched" -> new BatchedApplier(targetSpec(), pipeline, BatchOptions.defaults().withLanes(3)
                    .withBatchRows(50), java.util.Map.of());
            default -> throw new IllegalArgumentException("apply mode " + mode);
        };
        handler.open(protocolVersion);
        return handler;
    }

    /**
     * A further target database on the target server with this fixture's tables, for an applier that
     * gets the same stream ({@link #captured()}) as the first; the fixture closes its connection.
     */
    public TargetDatabase createTarget(String prefix) throws SQLException {
        String database = pair.target().createDatabase(prefix);
        Connection sql = pair.target().connect(database);
        furtherTargets.add(sql);
        for (String statement : tables) {
            execute(sql, statement);
        }
        return new TargetDatabase(database, ConnectionSpec.parse(pair.target().libpqUrl(database)), sql);
    }

    /**
     * A target database made by {@link #createTarget}.
     *
     * @param name the database's name
     * @param spec the applier's connection settings for it
     * @param sql  a connection to it, for reading rows; the fixture closes it
     */
    public record TargetDatabase(String name, ConnectionSpec spec, Connection sql) {
    }

    public Connection source() {
        return sourceSql;
    }

    public Connection target() {
        return targetSql;
    }

    /** A new connection to the source database, for concurrent transactions; the caller closes it. */
    public Connection newSourceSession() throws SQLException {
        return pair.source().connect(sourceDatabase);
    }

    public PgPair pair() {
        return pair;
    }

    /** Runs {@code sql} on the source (auto-commit), then delivers to {@code handler} everything it produced. */
    public void run(ApplyHandler handler, String... sql) throws Exception {
        for (String statement : sql) {
            execute(sourceSql, statement);
        }
        sync(handler);
    }

    /** Delivers to {@code handler} every message up to the commit of a new marker row. */
    public void sync(ApplyHandler handler) throws Exception {
        long marker = ++markers;
        execute(sourceSql, "INSERT INTO " + MARKER_TABLE + " VALUES (" + marker + ")");
        boolean markerSeen = false;
        while (true) {
            MessageType type = deliverOne(handler);
            if (type == MessageType.INSERT && isMarker(watcher.insert(), marker)) {
                markerSeen = true;
            } else if (markerSeen && type == MessageType.COMMIT) {
                if (handler != null) {
                    awaitDurable(handler, watcher.commit().endLsn());
                }
                return;
            }
        }
    }

    /**
     * Lets {@code handler} apply what it holds back (as the pipeline does when the stream goes
     * quiet) and waits until it reports {@code endLsn} durable.
     */
    public static void awaitDurable(ApplyHandler handler, long endLsn) throws Exception {
        long deadline = System.nanoTime() + READ_TIMEOUT_NANOS;
        handler.onIdle();
        while (Long.compareUnsigned(handler.durableLsn(), endLsn) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the applier did not make end LSN " + Long.toHexString(endLsn) + " durable within"
                        + " 60 s (durable: " + Long.toHexString(handler.durableLsn()) + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            handler.onIdle();
        }
    }

    /** Delivers to {@code handler} messages until one of {@code type} has been delivered. */
    public void deliverUntil(ApplyHandler handler, MessageType type) throws Exception {
        while (deliverOne(handler) != type) {
            // keep delivering
        }
    }

    private static boolean isMarker(InsertMessage insert, long marker) {
        return insert.relation().name().equals(MARKER_TABLE) && Long.toString(marker)
                .equals(ValueFormatter.format(insert.newTuple(), 0, insert.relation().column(0).typeOid()));
    }

    private MessageType deliverOne(ApplyHandler handler) throws Exception {
        if (stream == null) {
            openStream();
        }
        long deadline = System.nanoTime() + READ_TIMEOUT_NANOS;
        ByteBuffer buffer;
        while ((buffer = stream.readPending()) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no pgoutput message within 60 s; " + captured.size() + " delivered so far");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        long lsn = stream.getLastReceiveLSN().asLong();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        captured.add(new Captured(lsn, bytes));
        MessageType type = watcher.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
        if (handler != null) {
            handler.onMessage(new UnsafeBuffer(bytes), 0, bytes.length, lsn);
        }
        return type;
    }

    /** Every message delivered so far, in stream order. */
    public List<Captured> captured() {
        return List.copyOf(captured);
    }

    /** Hands {@code messages} to {@code handler}, as a stream restarted from their start would. */
    public static void replay(ApplyHandler handler, List<Captured> messages) throws Exception {
        for (Captured message : messages) {
            handler.onMessage(new UnsafeBuffer(message.bytes()), 0, message.bytes().length, message.lsn());
        }
    }

    /** The rows of {@code table} on the source (or target), each as its row text, sorted. */
    public List<String> sourceRows(String table) throws SQLException {
        return TableRows.of(sourceSql, table);
    }

    public List<String> targetRows(String table) throws SQLException {
        return TableRows.of(targetSql, table);
    }

    public static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The single value {@code sql} returns on {@code connection}, as text. */
    public static String queryValue(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private void closeStream() throws SQLException {
        try {
            if (stream != null) {
                stream.close();
                stream = null;
            }
        } finally {
            replication.close();
        }
    }

    @Override
    public void close() throws SQLException {
        closeStream();
        if (options.permanentSlot()) {
            execute(sourceSql, "SELECT pg_drop_replication_slot('" + slot + "')");
        }
        sourceSql.close();
        targetSql.close();
        for (Connection further : furtherTargets) {
            further.close();
        }
    }
}
