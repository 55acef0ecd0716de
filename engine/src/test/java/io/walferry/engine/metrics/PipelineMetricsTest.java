package io.walferry.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.walferry.decoder.PgTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {
    private static final Pattern FAMILY = Pattern.compile("^# TYPE (walferry_\\w+) (\\w+)$", Pattern.MULTILINE);
    /** Surefire runs in the module's directory. */
    private static final Path METRICS_DOC = Path.of("..", "docs", "metrics.md");

    @Test
    void shouldDocumentEveryMetricItPublishes() throws IOException {
        try (PipelineMetrics metrics = everyMeter()) {
            String doc = Files.readString(METRICS_DOC);
            Set<String> undocumented = new TreeSet<>();
            for (String family : families(scrape(metrics))) {
                if (!doc.contains("`" + family + "`")) {
                    undocumented.add(family);
                }
            }
            assertThat(undocumented).as("metrics missing from %s", METRICS_DOC).isEmpty();
        }
    }

    @Test
    void shouldTagEveryMetricWithThePipelineAndEachTableWithItsName() throws IOException {
        try (PipelineMetrics metrics = everyMeter()) {
            String text = scrape(metrics);

            assertThat(text.lines().filter(line -> line.startsWith("walferry_")))
                    .allMatch(line -> line.contains("pipeline=\"shop\""));
            assertThat(text).contains("walferry_changes_decoded_total{op=\"insert\",pipeline=\"shop\",table=\"public.orders\"} 2.0");
        }
    }

    @Test
    void shouldReportCatchingUpUntilTheConfirmedPositionReachesTheSourcePositionAtTheStart() {
        try (PipelineMetrics metrics = PipelineMetrics.unpublished("p")) {
            assertThat(metrics.status().phase()).isEqualTo(PipelinePhase.STARTING);
            metrics.catchingUpTo(1000);
            assertThat(metrics.status().phase()).isEqualTo(PipelinePhase.CATCHING_UP);
            metrics.positions(2000, 999, 0);
            assertThat(metrics.status().phase()).isEqualTo(PipelinePhase.CATCHING_UP);
            metrics.positions(2000, 1000, 0);
            assertThat(metrics.status().phase()).isEqualTo(PipelinePhase.STREAMING);
        }
    }

    @Test
    void shouldBeHealthyOnlyWhileTheLoadOrAnApplierRuns() {
        try (PipelineMetrics metrics = PipelineMetrics.unpublished("p")) {
            assertThat(metrics.status().healthy()).as("starting").isFalse();
            metrics.load().started(3, 0);
            assertThat(metrics.status().healthy()).as("loading").isTrue();
            metrics.load().finished();
            assertThat(metrics.status().healthy()).as("between the load and the stream").isFalse();
            boolean[] alive = {true};
            metrics.runStarted(probe(alive));
            metrics.catchingUpTo(0);
            assertThat(metrics.status().healthy()).as("streaming").isTrue();
            alive[0] = false;
            assertThat(metrics.status().healthy()).as("applier gone").isFalse();
            assertThat(metrics.status().healthReason()).contains("applier");
            metrics.runEnded();
            assertThat(metrics.status().healthy()).as("run ended").isFalse();
        }
    }

    @Test
    void shouldMeasureLagInBytesAndInSecondsSinceTheOldestWaitingCommit() {
        try (PipelineMetrics metrics = PipelineMetrics.unpublished("p")) {
            long twoSecondsAgo = PgTime.fromUnixMicros((System.currentTimeMillis() - 2_000) * 1_000L);
            metrics.positions(0x1_0000_1000L, 0x1_0000_0400L, twoSecondsAgo);

            PipelineStatus status = metrics.status();
            assertThat(status.lagBytes()).isEqualTo(0xC00);
            assertThat(status.lagSeconds()).isCloseTo(2.0, within(0.5));

            metrics.positions(0x1_0000_1000L, 0x1_0000_1000L, 0);
            assertThat(metrics.status().lagBytes()).isZero();
            assertThat(metrics.status().lagSeconds()).isZero();
        }
    }

    @Test
    void shouldCountRestartsAfterTheFirstRunAsReconnectsAndKeepTheLastError() {
        try (PipelineMetrics metrics = PipelineMetrics.published("p")) {
            boolean[] alive = {true};
            metrics.runStarted(probe(alive));
            metrics.runEnded();
            metrics.error("the target failed");
            metrics.runStarted(probe(alive));
            metrics.sourceReconnected();

            PipelineStatus status = metrics.status();
            assertThat(status.reconnects()).isEqualTo(2);
            assertThat(status.lastError()).isEqualTo("the target failed");
            assertThat(status.lastErrorAtMillis()).isPositive();
        }
    }

    /** Every kind of meter, each once, as a run with a load registers them. */
    private static PipelineMetrics everyMeter() {
        PipelineMetrics metrics = PipelineMetrics.published("shop");
        metrics.table("public.orders").decoded(ChangeOp.INSERT);
        metrics.table("public.orders").decoded(ChangeOp.INSERT);
        metrics.apply().batchExecuted(3, 1_000_000);
        metrics.apply().transactionCommitted(2_000_000);
        metrics.load().started(1, 0);
        metrics.load().phase("data");
        metrics.load().copying("public.orders", 10, new LongAdder(), new LongAdder(), () -> false);
        return metrics;
    }

    private static RingProbe probe(boolean[] alive) {
        return new RingProbe() {
            @Override
            public boolean applierAlive() {
                return alive[0];
            }

            @Override
            public long ringUsedSlots() {
                return 0;
            }

            @Override
            public int ringCapacity() {
                return 16;
            }
        };
    }

    static String scrape(PipelineMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.scrape(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> families(String text) {
        List<String> families = new java.util.ArrayList<>();
        Matcher matcher = FAMILY.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1);
            // Micrometer writes each timer's and summary's maximum as a gauge family of its own.
            if (!(name.endsWith("_max") && text.contains("# TYPE " + name.substring(0, name.length() - 4) + " "))) {
                families.add(name);
            }
        }
        return families;
    }
}
