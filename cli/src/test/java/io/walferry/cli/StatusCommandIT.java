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

            // Several apply lanes: everything up to the lowest of their positions is applied.
            // (A lane of its own number: the batched mode's lanes 1 to N exist already.)
            long lanesBefore = pair.target.count("SELECT count(*) FROM walferry.apply_progress WHERE pipeline = 'it_status'");
            pair.target.execute("INSERT INTO walferry.apply_progress (pipeline, lane, end_lsn, commit_lsn, source_xid)"
                    + " VALUES ('it_status', 99, '0/10', '0/8', 1)");
            CommandRun lanes = CommandRun.run(statusArgs);
            assertThat(lanes.stdout()).contains("applied: source transactions up to end LSN 0/10, last at ")
                    .contains(", over " + (lanesBefore + 1) + " lanes");
        }
    }

    @Test
    void shouldShowTheLastErrorAndWithASourceTheSlotsLagInBytes() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "status_error", "it_status_error")) {
            pair.source.execute("CREATE TABLE t (id int PRIMARY KEY, note text)");
            pair.target.execute("CREATE TABLE t (id int PRIMARY KEY)");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            pair.source.execute("INSERT INTO t VALUES (1, 'lost on the way')");
            CommandRun failed = CommandRun.run(pair.replicate("--exit-when-caught-up"));
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.TARGET_ERROR);

            CommandRun text = CommandRun.run("status", "--target", pair.target.url(), "--pipeline", "it_status_error");
            assertThat(text.exitCode()).as(text.toString()).isZero();
            assertThat(text.stdout()).contains("  last error: at ").contains(", target_error (exit 6), walferry stopped: ")
                    .contains(failed.stderr().strip().substring("walferry replicate: ".length()));

            CommandRun withSource = CommandRun.run("status", "--target", pair.target.url(), "--pipeline", "it_status_error",
                    "--source", pair.source.url());
            assertThat(withSource.exitCode()).as(withSource.toString()).isZero();
            assertThat(withSource.stdout()).containsPattern("source: slot walferry_it_status_error is [1-9][\\d,]* bytes"
                    + " behind the source's WAL \\(confirmed [0-9A-F]+/[0-9A-F]+, the source is at [0-9A-F]+/[0-9A-F]+\\)");

            JsonNode json = new ObjectMapper().readTree(CommandRun.run("status", "--target", pair.target.url(),
                    "--pipeline", "it_status_error", "--source", pair.source.url(), "--json").stdout());
            assertThat(json.get("last_error").get("exit_code").asInt()).isEqualTo(ExitCodes.TARGET_ERROR);
            assertThat(json.get("last_error").get("error").asText()).isEqualTo("target_error");
            assertThat(json.get("last_error").get("restarted").asBoolean()).isFalse();
            assertThat(json.get("last_error").get("message").asText()).contains("note");
            assertThat(json.get("source").get("slot").asText()).isEqualTo("walferry_it_status_error");
            assertThat(json.get("source").get("lag_bytes").asLong()).as("the failed transaction is not confirmed").isPositive();
            assertThat(json.get("applied").get("seconds_since_applied").asDouble()).isNotNegative();

            CommandRun sourceDown = CommandRun.run("status", "--target", pair.target.url(), "--pipeline",
                    "it_status_error", "--source", "postgresql://app@127.0.0.1:1/shop");
            assertThat(sourceDown.exitCode()).as("the target's state is shown all the same").isZero();
            assertThat(sourceDown.stdout()).contains("  last error: at ")
                    .contains("  source: cannot read slot walferry_it_status_error: cannot connect to the source at 127.0.0.1:1");
        }
    }
}
