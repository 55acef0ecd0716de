package io.walferry.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.walferry.applier.TransactionalApplier;
import io.walferry.applier.session.ProgressTable;
import io.walferry.decoder.Lsn;
import io.walferry.engine.load.LoadState;
import io.walferry.engine.load.TargetFailures;
import io.walferry.engine.pipeline.PipelineConfig;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code walferry status}: a pipeline's phase and progress, read from its state in the target
 * (schema {@code walferry}), so it answers while the daemon runs, after it stopped, and from another
 * machine: the load's phase and tables, the last source transaction applied and when. Read-only.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Show a pipeline's phase (schema, loading, post-data, streaming) and progress from its state"
                + " in the target, whether walferry runs or not. Read-only.",
        footer = {"", "Exit codes: 0 shown (also when the target has no state for the pipeline), 2 usage, 3 cannot"
                + " connect."})
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

    /** What the target records of one pipeline. */
    record Status(String phase, LoadState load, List<String[]> tables, int stepsDone, ProgressTable.Progress applied,
                  String appliedAt) {
    }

    @Override
    public Integer call() {
        common.applyLogging();
        ConnectionSpec targetSpec = target.resolve(spec, environment).withApplicationName("walferry status");
        Status status;
        try (Connection sql = DriverManager.getConnection(targetSpec.jdbcUrl(), targetSpec.jdbcProperties())) {
            sql.setReadOnly(true);
            status = read(sql);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08") || "3D000".equals(e.getSQLState())
                    || "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
                throw SourceErrors.connectFailed(e, targetSpec, "target");
            }
            throw TargetFailures.failed(e, "reading the state of pipeline \"" + pipeline + "\" on " + targetSpec.describe());
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
        ProgressTable.Progress applied = new ProgressTable(pipeline, TransactionalApplier.LANE).peek(sql);
        String appliedAt = null;
        if (applied != null) {
            try (PreparedStatement query = sql.prepareStatement(
                    "SELECT applied_at::text FROM " + ProgressTable.TABLE + " WHERE pipeline = ? AND lane = ?")) {
                query.setString(1, pipeline);
                query.setInt(2, TransactionalApplier.LANE);
                try (ResultSet row = query.executeQuery()) {
                    appliedAt = row.next() ? row.getString(1) : null;
                }
            }
        }
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
        return new Status(phase, load, tables, steps, applied, appliedAt);
    }

    private void writeText(PrintWriter out, Status status, ConnectionSpec targetSpec) {
        out.println("pipeline " + pipeline + " on " + targetSpec.describe() + ": " + status.phase());
        if (status.phase().equals("none")) {
            out.println("  no state: the pipeline never ran against this target (or walferry cleanup removed it)");
            return;
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
            out.println("  applied: source transactions up to end LSN " + Lsn.format(status.applied().endLsn())
                    + (status.appliedAt() == null ? "" : ", last at " + status.appliedAt()));
        }
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
                json.writeStringField("applied_at", status.appliedAt());
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }
}
