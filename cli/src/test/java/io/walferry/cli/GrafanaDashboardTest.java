package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code docs/grafana-dashboard.json}: valid JSON, and every query names a documented metric. */
class GrafanaDashboardTest {
    /** Surefire runs in the module's directory. */
    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern METRIC = Pattern.compile("\\bwalferry_[a-z_]+");
    /** Series Prometheus derives from a histogram or summary family. */
    private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum)$");

    @Test
    void shouldBeADashboardWhoseQueriesUseOnlyDocumentedMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DOCS.resolve("grafana-dashboard.json").toFile());
        String doc = Files.readString(DOCS.resolve("metrics.md"));

        Set<String> used = new TreeSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries++;
                Matcher metric = METRIC.matcher(target.path("expr").asText());
                while (metric.find()) {
                    used.add(SERIES_SUFFIX.matcher(metric.group()).replaceFirst(""));
                }
            }
        }

        assertThat(dashboard.path("title").asText()).isEqualTo("walferry");
        assertThat(queries).isGreaterThan(10);
        assertThat(used).allSatisfy(name -> assertThat(doc).as("docs/metrics.md documents %s", name)
                .contains("`" + name + "`"));
        assertThat(used).as("lag, throughput, ring occupancy, WAL retained, load progress").contains(
                "walferry_lag_bytes", "walferry_lag_seconds", "walferry_changes_applied_total",
                "walferry_ring_used_slots", "walferry_slot_retained_wal_bytes", "walferry_load_rows_total",
                "walferry_load_tables");
    }
}
