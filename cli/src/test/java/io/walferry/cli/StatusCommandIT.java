package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walferry.testkit.TestPostgres;
import org.junit.jupiter.api.Test;

/** {@code walferry status}: the pipeline's phase and progress, read from the target alone. */
class StatusCommandIT {

    @Test
    void shouldShowTheLoadAndTheAppliedProgressFromTheTarget() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "status", "it_status")) {
            String[] statusArgs = {"status", "--target", pair.target.url(), "--pipeline", "it_status"};
            CommandRun before = CommandRun.run(statusArgs);
            assertThat(before.exitCode()).as(before.toString()).isZero();
            assertThat(before.stdout()).contains("pipeline it_status on").contains(": none");

            pair.source.execute("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t SELECT generate_series(1, 42)");
            assertThat(CommandRun.run(pair.replicateWithLoad("--exit-when-caught-up")).exitCode()).isZero();
            pair.source.execute("INSERT INTO t VALUES (43)");
            assertThat(CommandRun.run(pair.replicateWithLoad("--exit-when-caught-up")).exitCode()).isZero();

            CommandRun text = CommandRun.run(statusArgs);
            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.stdout()).contains(": streaming").contains("1 tables copied")
                    .contains("public.t: 42 rows (source sent 42)").contains("applied: source transactions up to end LSN");

            String[] jsonArgs = {"status", "--target", pair.target.url(), "--pipeline", "it_status", "--json"};
            JsonNode json = new ObjectMapper().readTree(CommandRun.run(jsonArgs).stdout());
            assertThat(json.get("phase").asText()).isEqualTo("streaming");
            assertThat(json.get("load").get("phase").asText()).isEqualTo("done");
            assertThat(json.get("load").get("tables").get(0).get("target_rows").asLong()).isEqualTo(42);
            String endLsn = json.get("applied").get("end_lsn").asText();
            assertThat(pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_status'"
                    + " AND confirmed_flush_lsn >= '" + endLsn + "'")).as("the slot confirmed what status shows").isEqualTo(1);
        }
    }
}
