package io.walferry.engine.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.walferry.decoder.Lsn;
import io.walferry.engine.metrics.PipelineStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * The JSON bodies of {@code /status} and {@code /health}. Field names are snake_case and stable:
 * scripts read them. LSNs are written as PostgreSQL prints them ({@code X/Y}).
 */
final class StatusJson {
    private static final JsonFactory JSON = new JsonFactory();

    private StatusJson() {
    }

    /** {@code /status}: the whole snapshot. */
    static void writeStatus(PipelineStatus status, OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("pipeline", status.pipeline());
            json.writeStringField("phase", status.phase().label());
            json.writeBooleanField("healthy", status.healthy());
            json.writeStringField("confirmed_lsn", Lsn.format(status.confirmedLsn()));
            json.writeStringField("source_lsn", Lsn.format(status.sourceLsn()));
            json.writeNumberField("lag_bytes", status.lagBytes());
            json.writeNumberField("lag_seconds", round(status.lagSeconds()));
            json.writeNumberField("changes_applied", status.changesApplied());
            json.writeNumberField("transactions_applied", status.transactionsApplied());
            json.writeNumberField("reconnects", status.reconnects());
            if (status.lastError() == null) {
                json.writeNullField("last_error");
            } else {
                json.writeObjectFieldStart("last_error");
                json.writeStringField("message", status.lastError());
                json.writeStringField("at", Instant.ofEpochMilli(status.lastErrorAtMillis()).toString());
                json.writeEndObject();
            }
            json.writeNumberField("uptime_seconds", round(status.uptimeSeconds()));
            if (status.load() != null) {
                writeLoad(status.load(), json);
            }
            json.writeEndObject();
        }
    }

    private static void writeLoad(PipelineStatus.Load load, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("load");
        json.writeStringField("phase", load.phase());
        json.writeNumberField("tables_total", load.tablesTotal());
        json.writeNumberField("tables_copied", load.tablesCopied());
        json.writeArrayFieldStart("tables");
        for (PipelineStatus.Table table : load.tables()) {
            json.writeStartObject();
            json.writeStringField("table", table.table());
            json.writeNumberField("rows", table.rows());
            json.writeNumberField("bytes", table.bytes());
            json.writeNumberField("estimated_rows", table.estimatedRows());
            json.writeBooleanField("done", table.done());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** {@code /health}: healthy or not, and why. */
    static void writeHealth(PipelineStatus status, OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("status", status.healthy() ? "ok" : "unavailable");
            json.writeStringField("pipeline", status.pipeline());
            json.writeStringField("phase", status.phase().label());
            json.writeStringField("reason", status.healthReason());
            json.writeEndObject();
        }
    }

    /** Three decimals: enough for seconds, and no {@code 1.0E-4} in the output. */
    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
