package io.walferry.applier.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.benchmarks.PgbenchWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs the coalescing benchmark's body once per format, so that a broken fixture fails here instead of being measured. */
class BatchCoalescingBenchmarkTest {

    @ParameterizedTest
    @EnumSource(PgbenchWorkload.Format.class)
    void shouldRouteAndCoalesceEveryChangeOfThePgbenchStreamWithoutTheExactPath(PgbenchWorkload.Format format) {
        BatchCoalescingBenchmark.Fixture fixture = new BatchCoalescingBenchmark.Fixture();
        fixture.format = format;
        fixture.lanes = 4;
        fixture.setUp();

        long changes = new BatchCoalescingBenchmark().routeAndCoalesce(fixture);

        // Four row changes per TPC-B transaction (three updates, one insert), each counted once.
        assertThat(changes).isEqualTo(4L * PgbenchWorkload.TRANSACTIONS);
    }
}
