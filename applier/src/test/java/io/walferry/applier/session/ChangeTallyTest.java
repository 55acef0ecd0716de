package io.walferry.applier.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.engine.metrics.ChangeOp;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.metrics.TableChanges;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChangeTallyTest {
    private final PipelineMetrics metrics = PipelineMetrics.published("p");
    private final TableChanges orders = metrics.table("public.orders");
    private final TableChanges items = metrics.table("public.items");
    private final ChangeTally tally = new ChangeTally();

    @Test
    void shouldCountNothingUntilTheTransactionCommits() throws IOException {
        tally.add(orders, ChangeOp.INSERT);
        tally.add(items, ChangeOp.INSERT);
        tally.add(orders, ChangeOp.INSERT);
        assertThat(applied("public.orders", "insert")).isEqualTo("0.0");

        tally.committed();

        assertThat(applied("public.orders", "insert")).isEqualTo("2.0");
        assertThat(applied("public.items", "insert")).isEqualTo("1.0");
    }

    @Test
    void shouldForgetARolledBackTransaction() throws IOException {
        tally.add(orders, ChangeOp.DELETE);
        tally.clear();
        tally.add(orders, ChangeOp.UPDATE);
        tally.committed();

        assertThat(applied("public.orders", "delete")).isEqualTo("0.0");
        assertThat(applied("public.orders", "update")).isEqualTo("1.0");
    }

    @Test
    void shouldForgetExactlyTheChangesOfARolledBackSubtransaction() throws IOException {
        tally.add(orders, ChangeOp.INSERT);
        tally.savepoint();
        tally.add(orders, ChangeOp.INSERT);
        tally.savepoint();
        tally.add(items, ChangeOp.TRUNCATE);
        tally.rollbackToSavepoint(0);
        tally.add(orders, ChangeOp.INSERT);
        tally.committed();

        assertThat(applied("public.orders", "insert")).isEqualTo("2.0");
        assertThat(applied("public.items", "truncate")).isEqualTo("0.0");
    }

    @Test
    void shouldAddUpChangesThatAlternateBetweenTables() throws IOException {
        for (int i = 0; i < 100_000; i++) {
            tally.add(i % 2 == 0 ? orders : items, ChangeOp.UPDATE);
        }
        tally.committed();

        assertThat(applied("public.orders", "update")).isEqualTo("50000.0");
        assertThat(applied("public.items", "update")).isEqualTo("50000.0");
    }

    private String applied(String table, String op) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.scrape(out);
        String prefix = "walferry_changes_applied_total{op=\"" + op + "\",pipeline=\"p\",table=\"" + table + "\"} ";
        return out.toString(StandardCharsets.UTF_8).lines().filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length())).findFirst().orElseThrow();
    }
}
