package io.walferry.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.walferry.applier.session.ProgressTable;
import io.walferry.decoder.Lsn;
import io.walferry.engine.EngineException;
import io.walferry.engine.load.LoadState;
import io.walferry.engine.load.TargetFailures;
import io.walferry.engine.pipeline.LastError;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.SlotWalGuard;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceEnvironment;
import io.walferry.engine.source.SourceErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code walferry status}: a pipeline's phase and progress, read from its state in the target
 * (schema {@code walferry}), so it answers while the daemon runs, after it stopped, and from another
 * machine: the load's phase and tables, the last source transaction applied and when, and the last
 * failure. With a source, also the lag of the pipeline's slot in bytes. Read-only.
 *
 * <p>The applied position is the lowest over the pipeline's rows in {@code walferry.apply_progress}
 * (one per apply lane): everything up to it is on the target whatever the apply mode.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Show a pipeline's phase (schema, loading, post-data, streaming), progress and last error from"
                + " its state in the target, whether walferry runs or not; with --source (optional), also how many"
                + " bytes of the source's WAL its slot is behind. Read-only.",
        footer = {"", "Exit codes: 0 shown (also when the target has no state for the pipeline, or the source cannot"
                + " be read: the output says why), 2 usage, 3 cannot connect to the target."})
final class StatusCommand implements Callable<Integer> {
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ConfigOption config;

    @Mixin
    TargetOption target;

    @Mixin
    SourceOption source;

    @Option(names = "--pipeline", paramLabel = "NAME", defaultValue = PipelineConfig.DEFAULT_PIPELINE_NAME,
            description = "The pipeline (default: ${DEFAULT-VALUE}).")
    String pipeline;

    @Option(names = "--json", description = "Print one JSON document.")
    boolean json;

    private final SourceEnvironment environment;

    StatusCommand() {
        this(SourceEnvironment.system());
    }

    StatusCommand(SourceEnvironment environment) {
        this.environment = environment;
    }

    /**
     * What the target records of one pipeline's apply.
     *
     * @param endLsn       the lowest end LSN over the pipeline's lanes: every source transaction up to it is applied
     * @param appliedAt    when the last transaction was applied, on any lane (the target's clock)
     * @param secondsSince seconds since then
     * @param lanes        rows (lanes) the pipeline has
     */
    record Applied(long endLsn, String appliedAt, double secondsSince, int lanes) {
    }

    /**
     * The pipeline's slot on the source.
     *
     * @param slot          its name
     * @param exists        whether the source has it
     * @param active        whether a walsender streams it (a walferry runs)
     * @param walStatus     {@code reserved}, {@code extended}, {@code unreserved}, {@code lost}
     * @param currentLsn    the source's current WAL position
     * @param confirmedLsn  what the slot confirmed, {@link Lsn#INVALID} when nothing
     * @param lagBytes      bytes of WAL from the confirmed position to the current one, -1 when unknown
     * @param retainedBytes bytes of WAL the slot makes the source keep, -1 when unknown
     * @param error         why the source could not be read, else null (and the rest unknown)
     */
    record SlotLag(String slot, boolean exists, boolean active, String walStatus, long currentLsn, long confirmedLsn,
                   long lagBytes, long retainedBytes, String error) {
    }

    /** What the target (and the source, when given) record of one pipeline. */
    record Status(String phase, LoadState load, List<String[]> tables, int stepsDone, Applied applied,
                  LastError lastError, SlotLag slot) {
    }

    @Override
    public Integer call() {
        common.applyLogging();
        ConnectionSpec targetSpec = target.resolve(spec, environment).withApplicationName("walferry status");
        ConnectionSpec sourceSpec = source.resolveIfGiven(environment);
        Status status = read(targetSpec);
        if (sourceSpec != null) {
            SlotLag slot;
            try {
                slot = slotLag(sourceSpec.withApplicationName("walferry status"));
            } catch (EngineException e) {
                // The target's state is worth showing when the source is down: that is when it is looked at.
                slot = new SlotLag(PipelineConfig.OBJECT_PREFIX + pipeline, false, false, null, Lsn.INVALID, Lsn.INVALID,
                        -1, -1, e.getMessage());
            }
            status = new Status(status.phase(), status.load(), status.tables(), status.stepsDone(), status.applied(),
                    status.lastError(), slot);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            writeJson(out, status);
        } else {
            writeText(out, status, targetSpec);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private Status read(ConnectionSpec targetSpec) {
        try (Connection sql = DriverManager.getConnection(targetSpec.jdbcUrl(), targetSpec.jdbcProperties())) {
            sql.setReadOnly(true);
            return read(sql);
        } catch (SQLException e) {
            if (cannotConnect(e)) {
                throw SourceErrors.connectFailed(e, targetSpec, "target");
            }
            throw TargetFailures.failed(e, "reading the state of pipeline \"" + pipeline + "\" on "
                    + targetSpec.describe());
        }
    }

    private static boolean cannotConnect(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08") || "3D000".equals(state) || "28P01".equals(state)
                || "28000".equals(state);
    }

    private Status read(Connection sql) throws SQLException {
        LoadState load = LoadState.read(sql, pipeline);
        List<String[]> tables = new ArrayList<>();
        int steps = 0;
        if (load != null) {
            try (PreparedStatement query = sql.prepareStatement("SELECT schema_name || '.' || table_name,"
                    + " source_rows, target_rows, snapshot_lsn::text, copied_at::text FROM walferry.load_tables"
                    + " WHERE pipeline = ? ORDER BY 1")) {
                query.setString(1, pipeline);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        tables.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getString(5)});
                    }
                }
            }
            try (PreparedStatement query = sql.prepareStatement(
                    "SELECT count(*) FROM walferry.load_steps WHERE pipeline = ?")) {
                query.setString(1, pipeline);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    steps = row.getInt(1);
                }
            }
        }
        Applied applied = applied(sql);
        String phase;
        if (load != null && load.phase() != LoadState.Phase.DONE) {
            phase = switch (load.phase()) {
                case SCHEMA -> "schema";
                case DATA -> "loading";
                case POST_DATA -> "post-data";
                default -> "slot dropped: needs a new full load";
            };
        } else if (applied != null) {
            phase = "streaming";
        } else {
            phase = load == null ? "none" : "loaded";
        }
        return new Status(phase, load, tables, steps, applied, LastError.read(sql, pipeline), null);
    }

    /** The pipeline's applied position over all its lanes, or {@code null} when it has none. */
    private Applied applied(Connection sql) throws SQLException {
        try (PreparedStatement exists = sql.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            exists.setString(1, ProgressTable.TABLE);
            try (ResultSet row = exists.executeQuery()) {
                row.next();
                if (!row.getBoolean(1)) {
                    return null;
                }
            }
        }
        try (PreparedStatement query = sql.prepareStatement("SELECT min(end_lsn)::text, max(applied_at)::text,"
                + " EXTRACT(epoch FROM pg_catalog.clock_timestamp() - max(applied_at))::float8, count(*)"
                + " FROM " + ProgressTable.TABLE + " WHERE pipeline = ?")) {
            query.setString(1, pipeline);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(4) == 0 ? null
                        : new Applied(Lsn.parse(row.getString(1)), row.getString(2), row.getDouble(3), row.getInt(4));
            }
        }
    }

    /** The lag of the pipeline's slot, read from the source. */
    private SlotLag slotLag(ConnectionSpec sourceSpec) {
        String slot = PipelineConfig.OBJECT_PREFIX + pipeline;
        try (Connection sql = DriverManager.getConnection(sourceSpec.jdbcUrl(), sourceSpec.jdbcProperties());
             PreparedStatement query = sql.prepareStatement("WITH source AS (SELECT CASE WHEN pg_catalog.pg_is_in_recovery()"
                     + " THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END AS lsn)"
                     + " SELECT source.lsn::text, s.slot_name IS NOT NULL, s.active, s.wal_status,"
                     + " s.confirmed_flush_lsn::text, pg_catalog.pg_wal_lsn_diff(source.lsn, s.confirmed_flush_lsn)::bigint,"
                     + " pg_catalog.pg_wal_lsn_diff(source.lsn, s.restart_lsn)::bigint"
                     + " FROM source LEFT JOIN pg_catalog.pg_replication_slots s ON s.slot_name = ?")) {
            sql.setReadOnly(true);
            query.setString(1, slot);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                long current = Lsn.parse(row.getString(1));
                if (!row.getBoolean(2)) {
                    return new SlotLag(slot, false, false, null, current, Lsn.INVALID, -1, -1, null);
                }
                String confirmed = row.getString(5);
                long lag = row.getLong(6);
                boolean lagKnown = !row.wasNull();
                long retained = row.getLong(7);
                return new SlotLag(slot, true, row.getBoolean(3), row.getString(4), current,
                        confirmed == null ? Lsn.INVALID : Lsn.parse(confirmed), lagKnown ? Math.max(0, lag) : -1,
                        row.wasNull() ? -1 : Math.max(0, retained), null);
            }
        } catch (SQLException e) {
            if (cannotConnect(e)) {
                throw SourceErrors.connectFailed(e, sourceSpec, "source");
            }
            throw SourceErrors.failed(e, "reading replication slot " + slot + " on " + sourceSpec.describe(), null);
        }
    }

    private void writeText(PrintWriter out, Status status, ConnectionSpec targetSpec) {
        out.println("pipeline " + pipeline + " on " + targetSpec.describe() + ": " + status.phase());
        if (status.phase().equals("none")) {
            out.println("  no state: the pipeline never ran against this target (or walferry cleanup removed it)");
        }
        if (status.load() != null) {
            out.println("  load: phase " + status.load().phase().label() + ", slot start "
                    + (status.load().slotLsn() == Lsn.INVALID ? "-" : Lsn.format(status.load().slotLsn())) + ", "
                    + status.tables().size() + " tables copied, " + status.stepsDone() + " post-data statements done");
            for (String[] table : status.tables()) {
                out.println("    " + table[0] + ": " + table[2] + " rows (source sent " + table[1] + "), snapshot "
                        + table[3] + ", at " + table[4]);
            }
        }
        if (status.applied() != null) {
            Applied applied = status.applied();
            out.println("  applied: source transactions up to end LSN " + Lsn.format(applied.endLsn())
                    + (applied.appliedAt() == null ? "" : String.format(Locale.ROOT, ", last at %s (%.1f s ago)",
                            applied.appliedAt(), applied.secondsSince()))
                    + (applied.lanes() > 1 ? ", over " + applied.lanes() + " lanes" : ""));
        }
        if (status.slot() != null) {
            out.println("  source: " + slotText(status.slot()));
        }
        LastError error = status.lastError();
        if (error != null) {
            out.println("  last error: at " + error.failedAt() + ", " + error.error() + " (exit " + error.exitCode()
                    + "), " + (error.restarted() ? "walferry restarted the pipeline" : "walferry stopped") + ": "
                    + error.message());
        }
    }

    private static String slotText(SlotLag slot) {
        if (slot.error() != null) {
            return "cannot read slot " + slot.slot() + ": " + slot.error();
        }
        if (!slot.exists()) {
            return "no replication slot " + slot.slot() + " (the source is at " + Lsn.format(slot.currentLsn()) + ")";
        }
        String text = String.format(Locale.ROOT, "slot %s is %s behind the source's WAL (confirmed %s, the source is at"
                + " %s), keeps %s of WAL, %s", slot.slot(),
                slot.lagBytes() < 0 ? "an unknown number of bytes"
                        : String.format(Locale.ROOT, "%,d bytes", slot.lagBytes()),
                slot.confirmedLsn() == Lsn.INVALID ? "nothing" : Lsn.format(slot.confirmedLsn()),
                Lsn.format(slot.currentLsn()),
                slot.retainedBytes() < 0 ? "an unknown amount" : SlotWalGuard.size(slot.retainedBytes()),
                slot.active() ? "streaming (walferry runs)" : "not streaming");
        return "lost".equals(slot.walStatus())
                ? text + "; INVALIDATED (wal_status lost): the pipeline needs a new full load" : text;
    }

    private void writeJson(PrintWriter out, Status status) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("pipeline", pipeline);
            json.writeStringField("phase", status.phase());
            if (status.load() != null) {
                json.writeObjectFieldStart("load");
                json.writeStringField("phase", status.load().phase().label());
                json.writeStringField("slot_lsn", status.load().slotLsn() == Lsn.INVALID ? null
                        : Lsn.format(status.load().slotLsn()));
                json.writeNumberField("post_data_statements_done", status.stepsDone());
                json.writeArrayFieldStart("tables");
                for (String[] table : status.tables()) {
                    json.writeStartObject();
                    json.writeStringField("table", table[0]);
                    json.writeNumberField("source_rows", Long.parseLong(table[1]));
                    json.writeNumberField("target_rows", Long.parseLong(table[2]));
                    json.writeStringField("snapshot_lsn", table[3]);
                    json.writeStringField("copied_at", table[4]);
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            if (status.applied() != null) {
                json.writeObjectFieldStart("applied");
                json.writeStringField("end_lsn", Lsn.format(status.applied().endLsn()));
                json.writeStringField("applied_at", status.applied().appliedAt());
                json.writeNumberField("seconds_since_applied", status.applied().secondsSince());
                json.writeNumberField("lanes", status.applied().lanes());
                json.writeEndObject();
            }
            if (status.slot() != null) {
                writeSlotJson(json, status.slot());
            }
            if (status.lastError() != null) {
                LastError error = status.lastError();
                json.writeObjectFieldStart("last_error");
                json.writeStringField("at", error.failedAt());
                json.writeStringField("error", error.error());
                json.writeNumberField("exit_code", error.exitCode());
                json.writeBooleanField("restarted", error.restarted());
                json.writeStringField("message", error.message());
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }

    private static void writeSlotJson(JsonGenerator json, SlotLag slot) throws IOException {
        json.writeObjectFieldStart("source");
        json.writeStringField("slot", slot.slot());
        if (slot.error() != null) {
            json.writeStringField("error", slot.error());
        } else {
            json.writeBooleanField("slot_exists", slot.exists());
            json.writeStringField("current_lsn", Lsn.format(slot.currentLsn()));
            if (slot.exists()) {
                json.writeBooleanField("active", slot.active());
                json.writeStringField("wal_status", slot.walStatus());
                json.writeStringField("confirmed_flush_lsn", slot.confirmedLsn() == Lsn.INVALID ? null
                        : Lsn.format(slot.confirmedLsn()));
                writeBytes(json, "lag_bytes", slot.lagBytes());
                writeBytes(json, "retained_bytes", slot.retainedBytes());
            }
        }
        json.writeEndObject();
    }

    private static void writeBytes(JsonGenerator json, String field, long bytes) throws IOException {
        if (bytes < 0) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, bytes);
        }
    }
}
