package io.walferry.engine.check;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Writes a {@link CheckReport} for a person: the verdict first, then the blockers, warnings and
 * notes (each with its code, the object and the message), then the per-table assessment.
 */
public final class CheckReportText {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private CheckReportText() {
    }

    public static void write(CheckReport report, PrintWriter out) {
        out.println("walferry check, pipeline " + report.pipeline());
        out.println("  source: " + report.source() + ", PostgreSQL " + report.sourceVersion());
        out.println("  target: " + report.target() + ", PostgreSQL " + report.targetVersion());
        out.println();
        String counts = report.count(Severity.WARNING) + " warning(s), " + report.count(Severity.INFO) + " note(s)";
        out.println(report.ready() ? "READY: no blockers; " + counts
                : "NOT READY: " + report.count(Severity.BLOCKER) + " blocker(s), " + counts);
        section(report, Severity.BLOCKER, "Blockers (fix these before the move)", out);
        section(report, Severity.WARNING, "Warnings", out);
        section(report, Severity.INFO, "Notes", out);
        if (!report.tables().isEmpty()) {
            tables(report, out);
        }
        out.flush();
    }

    private static void section(CheckReport report, Severity severity, String title, PrintWriter out) {
        if (report.count(severity) == 0) {
            return;
        }
        out.println();
        out.println(title);
        for (Finding finding : report.findings(severity)) {
            out.println("  [" + finding.code() + "]" + (finding.object().isEmpty() ? "" : " " + finding.object()));
            out.println("    " + finding.message() + ".");
        }
    }

    private static void tables(CheckReport report, PrintWriter out) {
        int width = "table".length();
        for (TableAssessment table : report.tables()) {
            width = Math.max(width, table.table().toString().length());
        }
        out.println();
        out.println("Tables, largest first (write rates per second since " + report.statsSince() + ")");
        String format = "  %-" + width + "s %10s %12s %9s %9s %9s %7s  %s%n";
        out.printf(Locale.ROOT, format, "table", "size", "rows (est.)", "ins/s", "upd/s", "del/s", "indexes", "unused");
        for (TableAssessment table : report.tables()) {
            out.printf(Locale.ROOT, format, table.table(), size(table.totalBytes()),
                    table.estimatedRows() < 0 ? "-" : Long.toString(table.estimatedRows()),
                    rate(table.insertsPerSecond()), rate(table.updatesPerSecond()), rate(table.deletesPerSecond()),
                    table.indexes(), String.join(", ", table.unusedIndexes()));
        }
    }

    /** Bytes in 1024-based units, as pg_size_pretty prints them. */
    static String size(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 10 * 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.0f %s", value, UNITS[unit]);
    }

    private static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.2f", perSecond);
    }
}
