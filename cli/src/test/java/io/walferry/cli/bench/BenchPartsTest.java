package io.walferry.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.engine.source.ConnectionSpec;
import org.junit.jupiter.api.Test;

/** The bench's pieces that need no server. */
class BenchPartsTest {

    @Test
    void shouldTakePercentilesByNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = (i + 1) * 1_000_000L;
        }
        assertThat(LagSampler.percentile(sorted, 0.50)).isEqualTo(0.050);
        assertThat(LagSampler.percentile(sorted, 0.99)).isEqualTo(0.099);
        assertThat(LagSampler.percentile(new long[] {7_000_000L}, 0.99)).isEqualTo(0.007);
        assertThat(LagSampler.percentile(new long[] {1_000_000L, 2_000_000L, 3_000_000L}, 0.50)).isEqualTo(0.002);
        assertThat(LagSampler.percentile(new long[0], 0.5)).isZero();
    }

    @Test
    void shouldQuoteEveryConninfoValueForTheSubscription() {
        ConnectionSpec source = ConnectionSpec.parse("postgresql://app:it%27s%5Cx@db1:5433/shop?sslmode=require");

        assertThat(NativeSubscription.conninfo(source)).isEqualTo("host='db1' port='5433' dbname='shop' user='app'"
                + " password='it\\'s\\\\x' sslmode='require'");
    }

    @Test
    void shouldNameTheWorkloadsAsTheOptionTakesThem() {
        assertThat(Workload.parse("oltp")).isEqualTo(Workload.OLTP);
        assertThat(Workload.parse("Bulk-Update")).isEqualTo(Workload.BULK_UPDATE);
        assertThat(Workload.parse("inserts")).isEqualTo(Workload.INSERTS);
        assertThat(Workload.parse("tpcc")).isNull();
    }
}
