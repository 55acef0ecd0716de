package io.walferry.engine.load;

import io.walferry.decoder.Lsn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the full load of a pipeline has done, kept in the target beside the data:
 * <pre>
 * walferry.load_state  (pipeline PK, phase, slot_lsn, started_at, finished_at)
 * walferry.load_tables (pipeline, schema_name, table_name PK, snapshot_lsn, source_rows, target_rows, copied_at)
 * walferry.load_steps  (pipeline, step PK, done_at)
 * </pre>
 * {@code phase} moves {@code schema -> data -> post-data -> done}. {@code slot_lsn} is the
 * consistent point of the pipeline's slot, set when the slot is created (null before). A table's
 * row in {@code load_tables} is written when its last rows are committed (in the same
 * transaction when it is copied in one piece), with the consistent point of the snapshot it was
 * copied under: the slot's, or a later one when the load resumed after its first snapshot was
 * lost. A post-data step's row is written in the same transaction as its DDL.
 */
public final class LoadState {
    static final String SCHEMA = "walferry";
    private static final String[] CREATE = {
        "CREATE TABLE IF NOT EXISTS walferry.load_state (pipeline text PRIMARY KEY, phase text NOT NULL,"
                + " slot_lsn pg_catalog.pg_lsn, started_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
                + " finished_at timestamptz)",
        "CREATE TABLE IF NOT EXISTS walferry.load_tables (pipeline text NOT NULL, schema_name text NOT NULL,"
                + " table_name text NOT NULL, snapshot_lsn pg_catalog.pg_lsn NOT NULL, source_rows bigint NOT NULL,"
                + " target_rows bigint NOT NULL, copied_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),"
                + " PRIMARY KEY (pipeline, schema_name, table_name))",
        "CREATE TABLE IF NOT EXISTS walferry.load_steps (pipeline text NOT NULL, step text NOT NULL,"
                + " done_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(), PRIMARY KEY (pipeline, step))",
    };

    /** The phases of a load, in order. */
    public enum Phase {
        SCHEMA("schema"), DATA("data"), POST_DATA("post-data"), DONE("done"),
        /**
         * {@code --on-slot-limit drop} dropped the pipeline's slot: the changes since are lost to it,
         * and it needs a new full load.
         */
        SLOT_DROPPED("slot-dropped");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Phase of(String label) {
            for (Phase phase : values()) {
                if (phase.label.equals(label)) {
                    return phase;
                }
            }
            throw new IllegalArgumentException("unknown load phase " + label);
        }
    }

    /**
     * A table's recorded copy.
     *
     * @param snapshotLsn consistent point of the snapshot its rows were copied under
     * @param sourceRows  rows the source's COPY sent
     * @param targetRows  rows the target's COPY took
     */
    public record CopiedTable(long snapshotLsn, long sourceRows, long targetRows) {
    }

    private final String pipeline;
    private final Phase phase;
    private final long slotLsn;
    private final Map<String, CopiedTable> copied;
    private final Set<String> steps;

    private LoadState(String pipeline, Phase phase, long slotLsn, Map<String, CopiedTable> copied, Set<String> steps) {
        this.pipeline = pipeline;
        this.phase = phase;
        this.slotLsn = slotLsn;
        this.copied = copied;
        this.steps = steps;
    }

    /** The pipeline's load state, or {@code null} when the pipeline never started a load. Reads only. */
    public static LoadState read(Connection target, String pipeline) throws SQLException {
        try (Statement statement = target.createStatement();
             ResultSet exists = statement.executeQuery("SELECT pg_catalog.to_regclass('walferry.load_state') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return null;
            }
        }
        Phase phase;
        long slotLsn;
        try (PreparedStatement query = target.prepareStatement(
                "SELECT phase, slot_lsn::text FROM walferry.load_state WHERE pipeline = ?")) {
            query.setString(1, pipeline);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                phase = Phase.of(row.getString(1));
                slotLsn = row.getString(2) == null ? Lsn.INVALID : Lsn.parse(row.getString(2));
            }
        }
        Map<String, CopiedTable> copied = new HashMap<>();
        try (PreparedStatement query = target.prepareStatement("SELECT schema_name, table_name, snapshot_lsn::text,"
                + " source_rows, target_rows FROM walferry.load_tables WHERE pipeline = ?")) {
            query.setString(1, pipeline);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    copied.put(key(rows.getString(1), rows.getString(2)),
                            new CopiedTable(Lsn.parse(rows.getString(3)), rows.getLong(4), rows.getLong(5)));
                }
            }
        }
        Set<String> steps = new HashSet<>();
        try (PreparedStatement query = target.prepareStatement("SELECT step FROM walferry.load_steps WHERE pipeline = ?")) {
            query.setString(1, pipeline);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    steps.add(rows.getString(1));
                }
            }
        }
        return new LoadState(pipeline, phase, slotLsn, copied, steps);
    }

    /**
     * Starts the pipeline's load record in phase {@code schema}, creating the tables when missing. In
     * the caller's transaction: the caller commits, together with the schema it creates.
     */
    static void begin(Connection target, String pipeline) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            for (String create : CREATE) {
                statement.execute(create);
            }
        }
        try (PreparedStatement insert = target.prepareStatement(
                "INSERT INTO walferry.load_state (pipeline, phase) VALUES (?, 'schema')")) {
            insert.setString(1, pipeline);
            insert.executeUpdate();
        }
    }

    /**
     * Marks the pipeline as having lost its slot to {@code --on-slot-limit drop}, creating its load
     * record when it has none (a pipeline started with {@code --no-copy-data}); commits.
     */
    public static void markSlotDropped(Connection target, String pipeline) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            for (String create : CREATE) {
                statement.execute(create);
            }
        }
        try (PreparedStatement upsert = target.prepareStatement("INSERT INTO walferry.load_state (pipeline, phase,"
                + " finished_at) VALUES (?, 'slot-dropped', pg_catalog.clock_timestamp()) ON CONFLICT (pipeline) DO UPDATE"
                + " SET phase = 'slot-dropped', finished_at = pg_catalog.clock_timestamp()")) {
            upsert.setString(1, pipeline);
            upsert.executeUpdate();
        }
        target.commit();
    }

    /** Moves the phase (and sets the slot's consistent point when given); in the caller's transaction. */
    static void setPhase(Connection target, String pipeline, Phase phase, long slotLsn) throws SQLException {
        try (PreparedStatement update = target.prepareStatement("UPDATE walferry.load_state SET phase = ?,"
                + " slot_lsn = COALESCE(?::pg_catalog.pg_lsn, slot_lsn),"
                + " finished_at = CASE WHEN ? THEN pg_catalog.clock_timestamp() END WHERE pipeline = ?")) {
            update.setString(1, phase.label());
            update.setString(2, slotLsn == Lsn.INVALID ? null : Lsn.format(slotLsn));
            update.setBoolean(3, phase == Phase.DONE);
            update.setString(4, pipeline);
            if (update.executeUpdate() != 1) {
                throw new SQLException("the load record of pipeline \"" + pipeline + "\" disappeared from walferry.load_state");
            }
        }
    }

    /** Records a table as copied; in the caller's transaction. */
    static void recordTable(Connection target, String pipeline, LoadTable table, long snapshotLsn, long sourceRows,
                            long targetRows) throws SQLException {
        try (PreparedStatement insert = target.prepareStatement("INSERT INTO walferry.load_tables (pipeline,"
                + " schema_name, table_name, snapshot_lsn, source_rows, target_rows)"
                + " VALUES (?, ?, ?, ?::pg_catalog.pg_lsn, ?, ?)")) {
            insert.setString(1, pipeline);
            insert.setString(2, table.schema());
            insert.setString(3, table.name());
            insert.setString(4, Lsn.format(snapshotLsn));
            insert.setLong(5, sourceRows);
            insert.setLong(6, targetRows);
            insert.executeUpdate();
        }
    }

    /** Forgets a table's recorded copy (it is copied again); in the caller's transaction. */
    static void forgetTable(Connection target, String pipeline, LoadTable table) throws SQLException {
        try (PreparedStatement delete = target.prepareStatement("DELETE FROM walferry.load_tables"
                + " WHERE pipeline = ? AND schema_name = ? AND table_name = ?")) {
            delete.setString(1, pipeline);
            delete.setString(2, table.schema());
            delete.setString(3, table.name());
            delete.executeUpdate();
        }
    }

    /** Records a post-data step as done; in the caller's transaction, with the step's DDL. */
    static void recordStep(Connection target, String pipeline, String step) throws SQLException {
        try (PreparedStatement insert = target.prepareStatement(
                "INSERT INTO walferry.load_steps (pipeline, step) VALUES (?, ?)")) {
            insert.setString(1, pipeline);
            insert.setString(2, step);
            insert.executeUpdate();
        }
    }

    /**
     * Deletes the pipeline's load records, in the caller's transaction; returns how many rows went.
     * Missing tables count as nothing to delete.
     */
    public static int remove(Connection target, String pipeline) throws SQLException {
        int removed = 0;
        for (String table : new String[] {"walferry.load_steps", "walferry.load_tables", "walferry.load_state"}) {
            try (Statement statement = target.createStatement();
                 ResultSet exists = statement.executeQuery("SELECT pg_catalog.to_regclass('" + table + "') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    continue;
                }
            }
            try (PreparedStatement delete = target.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ?")) {
                delete.setString(1, pipeline);
                removed += delete.executeUpdate();
            }
        }
        return removed;
    }

    static String key(String schema, String name) {
        return schema + '\u0000' + name;
    }

    public String pipeline() {
        return pipeline;
    }

    public Phase phase() {
        return phase;
    }

    /** The consistent point of the pipeline's slot, {@link Lsn#INVALID} before it was created. */
    public long slotLsn() {
        return slotLsn;
    }

    /** The copy of a table, or {@code null} when it is not (completely) copied. */
    public CopiedTable copied(String schema, String name) {
        return copied.get(key(schema, name));
    }

    /** Every copied table, by {@code schema \0 name}. */
    Map<String, CopiedTable> copiedTables() {
        return copied;
    }

    boolean stepDone(String step) {
        return steps.contains(step);
    }

    /**
     * The tables copied under a snapshot later than the slot's consistent point (after a resumed
     * load), with that snapshot's consistent point: streaming from the slot must skip their changes
     * committed before it, which the copy already holds. Keyed {@code schema \0 name}.
     */
    public Map<String, Long> laterSnapshots() {
        Map<String, Long> later = new HashMap<>();
        for (Map.Entry<String, CopiedTable> table : copied.entrySet()) {
            if (Long.compareUnsigned(table.getValue().snapshotLsn(), slotLsn) > 0) {
                later.put(table.getKey(), table.getValue().snapshotLsn());
            }
        }
        return later;
    }
}
