package io.walferry.cli;

import io.walferry.applier.session.ProgressTable;
import io.walferry.cli.bench.BenchTables;
import io.walferry.cli.bench.NativeSubscription;
import io.walferry.engine.load.LoadState;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.source.ConnectionSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code walferry bench} created on the two servers, noted as it goes, and its removal at the
 * end: only what this run created (the bench refuses to start when any of its objects exists), in
 * reverse order, each step on its own so that one failure leaves the rest removed, on fresh
 * connections so that it also works after a connection broke. What cannot be removed is reported
 * with the statement that removes it.
 *
 * <p>The command's thread only.
 */
final class BenchObjects {
    private static final Logger LOG = LoggerFactory.getLogger(BenchObjects.class);
    /** How long a slot's walsender gets to let go of it (a stopped pipeline, a disabled subscription). */
    private static final long SLOT_RELEASE_MS = 10_000;

    private final ConnectionSpec source;
    private final ConnectionSpec target;
    private final PipelineConfig config;
    private final NativeSubscription nativeSubscription;
    private boolean sourceTables;
    private boolean targetTables;
    private boolean pipeline;
    private boolean walferrySchemaExisted = true;
    private boolean nativePublication;
    private boolean nativeSubscriptionCreated;
    private final List<String> removed = new ArrayList<>();
    private final List<String> leftBehind = new ArrayList<>();

    BenchObjects(ConnectionSpec source, ConnectionSpec target, PipelineConfig config,
                 NativeSubscription nativeSubscription) {
        this.source = source;
        this.target = target;
        this.config = config;
        this.nativeSubscription = nativeSubscription;
    }

    void sourceTablesCreated() {
        sourceTables = true;
    }

    void targetTablesCreated() {
        targetTables = true;
    }

    /**
     * The pipeline is about to run for the first time: its slot, its publication and its state on
     * the target (and schema walferry, unless it existed) are the bench's from now on.
     */
    void pipelineStarting(boolean walferrySchemaExists) {
        pipeline = true;
        walferrySchemaExisted = walferrySchemaExists;
    }

    void nativePublicationCreating() {
        nativePublication = true;
    }

    void nativeSubscriptionCreating() {
        nativeSubscriptionCreated = true;
    }

    List<String> removed() {
        return removed;
    }

    List<String> leftBehind() {
        return leftBehind;
    }

    /** Removes everything noted, the tables too unless {@code keepTables}. */
    void removeAll(boolean keepTables) {
        if (nativeSubscriptionCreated) {
            step(target, "subscription " + nativeSubscription.name() + " on the target",
                    "ALTER SUBSCRIPTION ... DISABLE, SET (slot_name = NONE), then DROP SUBSCRIPTION "
                            + nativeSubscription.name(), sql -> {
                        if (!nativeSubscription.existsOnTarget(sql)) {
                            return false;
                        }
                        nativeSubscription.dropSubscription(sql);
                        return true;
                    });
            dropSlot(nativeSubscription.name());
        }
        if (nativePublication) {
            dropPublication(nativeSubscription.name());
        }
        if (pipeline) {
            dropSlot(config.slotName());
            dropPublication(config.publicationName());
            step(target, "the state of pipeline \"" + config.pipelineName() + "\" on the target"
                    + (walferrySchemaExisted ? "" : " (schema walferry)"),
                    "walferry cleanup --pipeline " + config.pipelineName(), this::removeState);
        }
        if (!keepTables && sourceTables) {
            step(source, "schema " + BenchTables.SCHEMA + " on the source", "DROP SCHEMA " + BenchTables.SCHEMA
                    + " CASCADE", BenchObjects::dropTables);
        }
        if (!keepTables && targetTables) {
            step(target, "schema " + BenchTables.SCHEMA + " on the target", "DROP SCHEMA " + BenchTables.SCHEMA
                    + " CASCADE", BenchObjects::dropTables);
        }
    }

    private void dropPublication(String name) {
        step(source, "publication " + name, "DROP PUBLICATION " + name, sql -> {
            try (PreparedStatement query = sql.prepareStatement("SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
                query.setString(1, name);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return false;
                    }
                }
            }
            try (Statement drop = sql.createStatement()) {
                drop.execute("DROP PUBLICATION " + name);
            }
            return true;
        });
    }

    private boolean removeState(Connection sql) throws SQLException {
        sql.setAutoCommit(false);
        ProgressTable.remove(sql, config.pipelineName());
        LoadState.remove(sql, config.pipelineName());
        if (!walferrySchemaExisted) {
            CleanupCommand.dropSchemaWhenUnused(sql);
        }
        sql.commit();
        return true;
    }

    private static boolean dropTables(Connection sql) throws SQLException {
        BenchTables.drop(sql);
        return true;
    }

    /** Drops a slot once no walsender holds it (ending the walsender after a wait), when it exists. */
    private void dropSlot(String slotName) {
        step(source, "replication slot " + slotName, "SELECT pg_drop_replication_slot('" + slotName + "')", sql -> {
            long deadline = System.nanoTime() + SLOT_RELEASE_MS * 1_000_000L;
            while (true) {
                Integer activePid = activePid(sql, slotName);
                if (activePid == null) {
                    return false; // never created (the run failed before), or gone
                }
                if (activePid == 0) {
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn("replication slot {} is still held by the walsender with PID {}: ending it", slotName, activePid);
                    try (PreparedStatement terminate = sql.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
                        terminate.setInt(1, activePid);
                        terminate.execute();
                    }
                    deadline = System.nanoTime() + SLOT_RELEASE_MS * 1_000_000L;
                }
                sleep(50);
            }
            try (PreparedStatement drop = sql.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
                drop.setString(1, slotName);
                drop.execute();
            }
            return true;
        });
    }

    /** The PID of the walsender holding the slot, 0 when none does, null when there is no such slot. */
    private static Integer activePid(Connection sql, String slotName) throws SQLException {
        try (PreparedStatement query = sql.prepareStatement("SELECT coalesce(active_pid, 0)"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slotName);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getInt(1) : null;
            }
        }
    }

    /** One removal; returns whether there was something to remove. */
    private interface Step {
        boolean run(Connection sql) throws SQLException;
    }

    private void step(ConnectionSpec server, String what, String manually, Step step) {
        try (Connection sql = DriverManager.getConnection(server.jdbcUrl(), server.jdbcProperties())) {
            if (step.run(sql)) {
                removed.add(what);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not remove {}: {}", what, e.getMessage());
            leftBehind.add(what + " (" + e.getMessage() + "; remove it with " + manually + ")");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a replication slot to be released");
        }
    }
}
