package io.walferry.cli.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.walferry.decoder.Lsn;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * What {@code walferry bench} measured, and its two renderings: a table for people, one JSON
 * document for scripts ({@code --json}).
 *
 * @param workload        what was written
 * @param generator       what wrote it
 * @param accounts        rows of the accounts table
 * @param clients         workload connections
 * @param backlog         true: written with replication stopped, then drained ({@code --transactions});
 *                        false: replicated live while written ({@code --duration})
 * @param ratePerSecond   the workload's target rate, 0 for unthrottled
 * @param applyMode       walferry's apply mode
 * @param applyLanes      its lanes ({@code --apply-lanes}), 0 when the mode has none to choose
 * @param sourceServer    the source, for the header: where, and its version
 * @param targetServer    the target, likewise
 * @param written         what the workload committed on the source
 * @param startLsn        the source's WAL insert position before the workload
 * @param endLsn          and after it: what each consumer had to reach
 * @param walferry        walferry's drain (backlog) or streaming run (live)
 * @param lag             lag samples (live only, else null)
 * @param caughtUpSeconds live: from the workload's end until walferry had applied all of it; else NaN
 * @param nativeDrain     the native subscription's drain ({@code --compare-native}), else null
 * @param nativeLaunchSeconds from ALTER SUBSCRIPTION ... ENABLE until its apply worker ran (not in its
 *                        drain time, see {@link NativeSubscription.Drained}); NaN without one
 * @param removed         what the bench removed at its end
 * @param leftBehind      what it could not remove, with how to
 */
public record BenchReport(Workload workload, Generator generator, long accounts, int clients, boolean backlog,
                          double ratePerSecond, String applyMode, int applyLanes, String sourceServer, String targetServer,
                          BenchWorkload.Counts written, long startLsn, long endLsn, Drain walferry,
                          LagSampler.Stats lag, double caughtUpSeconds, Drain nativeDrain, double nativeLaunchSeconds,
                          List<String> removed,
                          List<String> leftBehind) {
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    /**
     * What wrote the workload ({@code --generator}).
     *
     * @param name    {@code builtin} or {@code pgbench}
     * @param program the program run, or null for the builtin generator
     * @param version the program's version line, or null
     */
    public record Generator(String name, String program, String version) {
        /** walferry's own generator, in the bench's process. */
        public static final Generator BUILTIN = new Generator("builtin", null, null);

        String describe() {
            return program == null ? "builtin (walferry's own, over JDBC, in this process)"
                    : name + ": " + program + ", " + version;
        }
    }

    /**
     * One consumer's run over the workload's WAL.
     *
     * @param seconds            backlog: from the start of the consumer until everything up to the
     *                           end LSN was durable on the target; live: from the workload's start
     *                           until then
     * @param transactions       source transactions it applied (walferry's own count; the workload's
     *                           for the native subscription)
     * @param rows               row changes among them, likewise
     * @param targetEqualsSource whether every row of the target equalled the source's afterwards
     */
    public record Drain(double seconds, long transactions, long rows, boolean targetEqualsSource) {
        public double transactionsPerSecond() {
            return transactions / Math.max(1e-9, seconds);
        }

        public double rowsPerSecond() {
            return rows / Math.max(1e-9, seconds);
        }
    }

    /** walferry's time over the native subscription's, or NaN without one. */
    public double ratio() {
        return nativeDrain == null ? Double.NaN : walferry.seconds() / Math.max(1e-9, nativeDrain.seconds());
    }

    /** Whether every target checked equalled the source. */
    public boolean targetsEqual() {
        return walferry.targetEqualsSource() && (nativeDrain == null || nativeDrain.targetEqualsSource());
    }

    /** The table. */
    public void writeText(PrintWriter out) {
        out.printf(Locale.ROOT, "walferry bench: %s, %s%n", workload.label(), backlog
                ? String.format(Locale.ROOT, "a backlog of %,d transactions written with replication stopped, then"
                        + " drained", written.transactions())
                : String.format(Locale.ROOT, "replicated live while written for %.1f s", written.seconds()));
        out.printf(Locale.ROOT, "  workload   %s; %,d accounts, %d client%s%n", workload.description(), accounts,
                clients, clients == 1 ? "" : "s");
        out.printf(Locale.ROOT, "  generator  %s%n", generator.describe());
        out.printf(Locale.ROOT, "  source     %s%n", sourceServer);
        out.printf(Locale.ROOT, "  target     %s%n", targetServer);
        out.printf(Locale.ROOT, "  written    %,d transactions, %,d rows in %.2f s (%,.0f transactions/s%s); %s of WAL%n",
                written.transactions(), written.rows(), written.seconds(),
                written.transactions() / Math.max(1e-9, written.seconds()),
                ratePerSecond > 0 ? String.format(Locale.ROOT, ", at most %,.0f/s", ratePerSecond) : ", unthrottled",
                bytes(endLsn - startLsn));
        out.println();
        String walferryColumn = "walferry (" + applyMode + (applyLanes > 0 ? ", " + applyLanes + " lanes" : "") + ")";
        row(out, "", walferryColumn, nativeDrain == null ? null : "native subscription");
        row(out, backlog ? "drain time" : "applied in", seconds(walferry.seconds())
                + (backlog ? "" : " (from the workload's start until caught up)"),
                nativeDrain == null ? null : seconds(nativeDrain.seconds()));
        row(out, "transactions/s", number(walferry.transactionsPerSecond()),
                nativeDrain == null ? null : number(nativeDrain.transactionsPerSecond()));
        row(out, "rows/s", number(walferry.rowsPerSecond()),
                nativeDrain == null ? null : number(nativeDrain.rowsPerSecond()));
        if (lag != null) {
            row(out, "lag p50", seconds(lag.p50Seconds()), null);
            row(out, "lag p99", seconds(lag.p99Seconds()), null);
            row(out, "lag max", seconds(lag.maxSeconds()) + String.format(Locale.ROOT, " (%,d samples, one every %d ms)",
                    lag.samples(), lag.intervalMs()), null);
            row(out, "caught up", seconds(caughtUpSeconds) + " after the workload stopped", null);
        }
        row(out, "target = source", walferry.targetEqualsSource() ? "yes" : "NO",
                nativeDrain == null ? null : nativeDrain.targetEqualsSource() ? "yes" : "NO");
        out.println();
        if (nativeDrain != null) {
            out.printf(Locale.ROOT, "  walferry / native   %.2f (drain time; below 1: walferry was faster)%n", ratio());
            out.printf(Locale.ROOT, "  native worker       started %.3f s after ALTER SUBSCRIPTION ENABLE (not in its drain"
                    + " time)%n", nativeLaunchSeconds);
        }
        if (!leftBehind.isEmpty()) {
            out.println("  LEFT BEHIND         " + String.join("; ", leftBehind));
        }
        out.println("  cleaned up          " + (removed.isEmpty() ? "nothing to remove" : String.join("; ", removed)));
        out.flush();
    }

    private static void row(PrintWriter out, String label, String walferry, String nativeColumn) {
        String line = String.format(Locale.ROOT, "  %-19s %-33s %s", label, walferry, nativeColumn == null ? "" : nativeColumn);
        out.println(line.stripTrailing());
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f s", seconds);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String bytes(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%,d kB", bytes >> 10);
    }

    /** The JSON document, on one line. */
    public void writeJson(PrintWriter out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("workload", workload.label());
            json.writeObjectFieldStart("generator");
            json.writeStringField("name", generator.name());
            json.writeStringField("program", generator.program());
            json.writeStringField("version", generator.version());
            json.writeEndObject();
            json.writeStringField("mode", backlog ? "backlog" : "live");
            json.writeNumberField("accounts", accounts);
            json.writeNumberField("clients", clients);
            json.writeNumberField("rate_per_second", ratePerSecond);
            json.writeStringField("apply_mode", applyMode);
            if (applyLanes > 0) {
                json.writeNumberField("apply_lanes", applyLanes);
            } else {
                json.writeNullField("apply_lanes");
            }
            json.writeStringField("source", sourceServer);
            json.writeStringField("target", targetServer);
            json.writeObjectFieldStart("written");
            json.writeNumberField("transactions", written.transactions());
            json.writeNumberField("rows", written.rows());
            json.writeNumberField("seconds", written.seconds());
            json.writeStringField("start_lsn", Lsn.format(startLsn));
            json.writeStringField("end_lsn", Lsn.format(endLsn));
            json.writeNumberField("wal_bytes", endLsn - startLsn);
            json.writeEndObject();
            json.writeFieldName("walferry");
            drain(json, walferry, Double.NaN);
            if (lag != null) {
                json.writeObjectFieldStart("lag");
                json.writeNumberField("samples", lag.samples());
                json.writeNumberField("interval_ms", lag.intervalMs());
                json.writeNumberField("p50_seconds", lag.p50Seconds());
                json.writeNumberField("p99_seconds", lag.p99Seconds());
                json.writeNumberField("max_seconds", lag.maxSeconds());
                json.writeNumberField("caught_up_seconds", caughtUpSeconds);
                json.writeEndObject();
            } else {
                json.writeNullField("lag");
            }
            json.writeFieldName("native");
            if (nativeDrain != null) {
                drain(json, nativeDrain, nativeLaunchSeconds);
                json.writeNumberField("ratio_walferry_to_native", ratio());
            } else {
                json.writeNull();
                json.writeNullField("ratio_walferry_to_native");
            }
            json.writeArrayFieldStart("removed");
            for (String item : removed) {
                json.writeString(item);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("left_behind");
            for (String item : leftBehind) {
                json.writeString(item);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
        out.flush();
    }

    private static void drain(JsonGenerator json, Drain drain, double launchSeconds) throws IOException {
        json.writeStartObject();
        json.writeNumberField("seconds", drain.seconds());
        json.writeNumberField("transactions", drain.transactions());
        json.writeNumberField("rows", drain.rows());
        json.writeNumberField("transactions_per_second", drain.transactionsPerSecond());
        json.writeNumberField("rows_per_second", drain.rowsPerSecond());
        json.writeBooleanField("target_equals_source", drain.targetEqualsSource());
        if (!Double.isNaN(launchSeconds)) {
            json.writeNumberField("worker_launch_seconds", launchSeconds);
        }
        json.writeEndObject();
    }
}
