package io.walferry.engine.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The result of {@code walferry check}: every finding, blockers first, and the per-table
 * assessment, largest table first.
 *
 * @param source        the source server, {@code host:port (database "d", user "u")}
 * @param sourceVersion its {@code server_version}
 * @param target        the target server
 * @param targetVersion its {@code server_version}
 * @param pipeline      the pipeline name the objects were checked for
 * @param findings      ordered by severity, in the order found within one severity
 * @param tables        the selected plain tables and partitions, largest first; empty when the
 *                      source's schema could not be read
 * @param statsSeconds  the window the write rates and index usage cover, in seconds
 * @param statsSince    its start, as the server prints a timestamptz; null when not read
 */
public record CheckReport(String source, String sourceVersion, String target, String targetVersion, String pipeline,
                          List<Finding> findings, List<TableAssessment> tables, double statsSeconds,
                          String statsSince) {

    public CheckReport {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing(Finding::severity));
        findings = List.copyOf(sorted);
        tables = List.copyOf(tables);
    }

    /** Whether nothing blocks the move. */
    public boolean ready() {
        return count(Severity.BLOCKER) == 0;
    }

    /** The findings of one severity. */
    public List<Finding> findings(Severity severity) {
        List<Finding> selected = new ArrayList<>();
        for (Finding finding : findings) {
            if (finding.severity() == severity) {
                selected.add(finding);
            }
        }
        return selected;
    }

    public int count(Severity severity) {
        return findings(severity).size();
    }
}
