package io.walferry.engine.check;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes a {@link CheckReport} as one JSON document for scripts. Its shape is stable: fields may be
 * added, never renamed or removed; {@code docs/check.md} describes it. Unknown numbers (a rate
 * without statistics) are {@code null}.
 */
public final class CheckReportJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private CheckReportJson() {
    }

    public static void write(CheckReport report, Writer out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeBooleanField("ready", report.ready());
            json.writeStringField("pipeline", report.pipeline());
            server(json, "source", report.source(), report.sourceVersion());
            server(json, "target", report.target(), report.targetVersion());
            json.writeObjectFieldStart("summary");
            for (Severity severity : Severity.values()) {
                json.writeNumberField(severity.label(), report.count(severity));
            }
            json.writeEndObject();
            json.writeArrayFieldStart("findings");
            for (Finding finding : report.findings()) {
                json.writeStartObject();
                json.writeStringField("severity", finding.severity().label());
                json.writeStringField("code", finding.code());
                json.writeStringField("object", finding.object());
                json.writeStringField("message", finding.message());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringField("stats_since", report.statsSince());
            json.writeNumberField("stats_seconds", report.statsSeconds());
            json.writeArrayFieldStart("tables");
            for (TableAssessment table : report.tables()) {
                table(json, table);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        out.write(System.lineSeparator());
        out.flush();
    }

    private static void server(JsonGenerator json, String field, String server, String version) throws IOException {
        json.writeObjectFieldStart(field);
        json.writeStringField("server", server);
        json.writeStringField("version", version);
        json.writeEndObject();
    }

    private static void table(JsonGenerator json, TableAssessment table) throws IOException {
        json.writeStartObject();
        json.writeStringField("schema", table.table().schema());
        json.writeStringField("name", table.table().name());
        json.writeNumberField("total_bytes", table.totalBytes());
        json.writeNumberField("estimated_rows", table.estimatedRows());
        rate(json, "inserts_per_second", table.insertsPerSecond());
        rate(json, "updates_per_second", table.updatesPerSecond());
        rate(json, "deletes_per_second", table.deletesPerSecond());
        json.writeNumberField("indexes", table.indexes());
        json.writeArrayFieldStart("unused_indexes");
        for (String index : table.unusedIndexes()) {
            json.writeString(index);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void rate(JsonGenerator json, String field, double perSecond) throws IOException {
        if (Double.isNaN(perSecond)) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, perSecond);
        }
    }
}
