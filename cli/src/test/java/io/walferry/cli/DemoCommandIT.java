package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code walferry demo}: the README's first command, on the embedded server bundled in the jar. */
class DemoCommandIT {

    @Test
    void shouldStreamEveryChangeTheShopWorkloadWrites() {
        CommandRun run = CommandRun.run("demo", "--seconds", "2", "--rate", "25");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("check:    every change written was streamed, once, in its transaction.");
        Matcher written = Pattern.compile("written:  (\\d+) transactions \\((\\d+) inserts, (\\d+) updates, (\\d+) deletes\\)")
                .matcher(run.stderr());
        assertThat(written.find()).as(run.stderr()).isTrue();
        List<JsonNode> messages = run.messages();
        assertThat(count(messages, "commit")).isEqualTo(Long.parseLong(written.group(1)));
        assertThat(count(messages, "insert")).isEqualTo(Long.parseLong(written.group(2))).isPositive();
        assertThat(count(messages, "update")).isEqualTo(Long.parseLong(written.group(3))).isPositive();
        assertThat(count(messages, "delete")).isEqualTo(Long.parseLong(written.group(4)));
        assertThat(messages.get(messages.size() - 1).get("op").asText()).isEqualTo("commit");
        assertThat(messages).filteredOn(m -> m.get("op").asText().equals("message"))
                .singleElement().satisfies(m -> assertThat(m.get("prefix").asText()).isEqualTo("walferry.demo.done"));
    }

    @Test
    void shouldRefuseANonPositiveDuration() {
        CommandRun run = CommandRun.run("demo", "--seconds", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.stderr()).contains("walferry demo: --seconds 0 --rate 10 (expected: both 1 or more)");
    }

    private static long count(List<JsonNode> messages, String op) {
        return messages.stream().filter(m -> m.get("op").asText().equals(op)).count();
    }
}
