package io.walferry.applier.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.applier.BatchOptions;
import io.walferry.applier.BatchedApplier;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.testkit.TestPostgres;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A target reached with pgjdbc's simple query mode ({@code preferQueryMode=simple} in a JDBC URL,
 * common behind PgBouncer): pgjdbc then writes every parameter into the statement as text, so the
 * set-wise statements' {@code text[]} parameters must go as text literals, not in binary.
 */
class SimpleQueryModeIT {

    @Test
    void shouldApplyBatchesAndStreamedSegmentsThroughATargetInSimpleQueryMode() throws Exception {
        int version = TestPostgres.newestVersion();
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version),
                "CREATE TABLE items (id int PRIMARY KEY, label text, note text)")) {
            ConnectionSpec spec = fixture.targetSpec();
            ConnectionSpec simple = new ConnectionSpec(spec.host(), spec.port(), spec.database(), spec.user(),
                    spec.password(), spec.passwordSource(), spec.sslMode(), spec.sslRootCert(), spec.sslCert(),
                    spec.sslKey(), spec.connectTimeoutSeconds(), spec.applicationName(),
                    Map.of("preferQueryMode", "simple"));
            BatchedApplier applier = new BatchedApplier(simple, "simple", BatchOptions.defaults().withLanes(2)
                    .withBatchRows(50), Map.of());
            try (ApplyHandler handler = applier) {
                applier.open(fixture.protocolVersion());
                fixture.run(handler,
                        "INSERT INTO items SELECT g, 'label ' || g, CASE WHEN g % 3 = 0 THEN NULL"
                                + " ELSE 'say \"hi\", {x} \\ ' || g END FROM generate_series(1, 300) g",
                        "UPDATE items SET note = 'ünïcode ' || id WHERE id % 2 = 0",
                        "DELETE FROM items WHERE id % 5 = 0");
                // Larger than logical_decoding_work_mem (64 kB in the test servers): streamed, in segments.
                fixture.run(handler, "UPDATE items SET label = repeat('y', 500) || id");

                assertThat(fixture.targetRows("items")).isEqualTo(fixture.sourceRows("items")).hasSize(240);
            }
        }
    }
}
