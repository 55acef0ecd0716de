package io.walferry.engine.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadProgressTest {
    private static final LoadTable ORDERS = new LoadTable("public", "orders", false, List.of("id"), true,
            List.of(new LoadTable.Leaf("public", "orders", 8192, 1)), 200);
    private static final LoadTable NOTES = new LoadTable("public", "notes", false, List.of("id"), true,
            List.of(new LoadTable.Leaf("public", "notes", 8192, 1)), -1);

    @Test
    void shouldDrawABarPerTableInFlightAndOneForTheTotal() {
        try (LoadProgress progress = new LoadProgress(List.of(ORDERS), 3_600_000, false)) {
            LoadProgress.TableCounters orders = progress.of(ORDERS);
            orders.chunksRunning.incrementAndGet();
            orders.rows.add(100);
            orders.bytes.add(1 << 20);

            List<String> bars = progress.bars();

            assertThat(bars).hasSize(2);
            assertThat(bars.get(0)).startsWith("public.orders").contains("[" + "#".repeat(15) + "-".repeat(15) + "]")
                    .contains(" 50%").contains(" 100 rows");
            assertThat(bars.get(1)).startsWith("total 0/1 tables").contains(" 50%").contains("ETA");
        }
    }

    @Test
    void shouldSayNothingOfAShareWithoutAnEstimateAndCountFinishedTables() {
        try (LoadProgress progress = new LoadProgress(List.of(ORDERS, NOTES), 3_600_000, false)) {
            progress.of(ORDERS).rows.add(200);
            progress.of(ORDERS).done = true;
            progress.of(NOTES).chunksRunning.incrementAndGet();
            progress.of(NOTES).rows.add(7);

            assertThat(progress.bars().get(0)).startsWith("public.notes").contains("  ?%").contains(" 7 rows");
            assertThat(progress.bars().get(1)).startsWith("total 1/2 tables").doesNotContain("ETA");
            assertThat(progress.line()).startsWith("load: 1/2 tables copied, 207 rows").contains("in flight: public.notes 7 rows");
        }
    }
}
