package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code walferry replicate} streams values in binary while every published column has a built-in
 * type whose binary form it converts exactly, and goes on in text, losing and doubling nothing, when
 * a table with another type is published while it runs.
 */
class ValueFormatIT {
    private static final String PLAIN = "CREATE TABLE plain (id int PRIMARY KEY, price numeric(10,2), at timestamptz,"
            + " born date, tags text[], blob bytea, f float8)";

    @Test
    void shouldStreamBinaryAndSwitchToTextWhenATableWithAnEnumIsPublishedWhileRunning() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "value_format", "it_format")) {
            pair.schema(PLAIN);
            pair.target.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                    "CREATE TABLE moods (id int PRIMARY KEY, m mood, note text)");
            assertThat(CommandRun.run(pair.replicate("--exit-when-caught-up")).exitCode()).isZero();
            try (WalferryProcess daemon = WalferryProcess.start(List.of(), pair.replicate())) {
                pair.source.execute("INSERT INTO plain SELECT g, g * 1.25, '2024-01-01 00:00:00+00'::timestamptz"
                        + " + g * interval '1 hour', '0001-12-31 BC'::date + g, ARRAY['a b', NULL, g::text],"
                        + " decode(repeat('00ff', g), 'hex'), 1.0 / g FROM generate_series(1, 300) g",
                        "UPDATE plain SET born = 'infinity', f = '-Infinity' WHERE id % 10 = 0");
                awaitRows(pair, "plain", 300, daemon);

                pair.source.execute("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                        "CREATE TABLE moods (id int PRIMARY KEY, m mood, note text)",
                        "BEGIN",
                        "INSERT INTO plain VALUES (1000, 1.5, 'infinity', '2024-02-29', '{}', '\\x', 0.1)",
                        "INSERT INTO moods SELECT g, 'happy', 'n' || g FROM generate_series(1, 100) g",
                        "COMMIT",
                        "UPDATE moods SET m = 'sad' WHERE id <= 10",
                        "INSERT INTO plain VALUES (1001, NULL, NULL, NULL, NULL, NULL, NULL)");
                awaitRows(pair, "plain", 302, daemon);
                awaitRows(pair, "moods", 100, daemon);

                assertThat(daemon.terminate(Duration.ofSeconds(60))).as(daemon.log()).isZero();
                assertThat(daemon.stderr()).as(daemon.log())
                        .contains("values streamed in binary: every published column has a built-in type")
                        .contains("column m of public.moods has type OID")
                        .contains("streaming in text from now on, from the slot's confirmed position")
                        .contains("values streamed in text: an earlier session met a column it could not stream in binary");
            }
            pair.assertSameRows("plain", "moods");
            assertThat(pair.target.count("SELECT count(*) FROM moods WHERE m = 'sad'")).isEqualTo(10);

            CommandRun again = CommandRun.run(pair.replicate("--exit-when-caught-up"));
            assertThat(again.exitCode()).as(again.toString()).isZero();
            pair.assertSameRows("plain", "moods");
        }
    }

    private static void awaitRows(ReplicaPair pair, String table, long rows, WalferryProcess daemon) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (pair.target.count("SELECT count(*) FROM " + table) < rows) {
            if (System.nanoTime() > deadline || !daemon.isAlive()) {
                throw new AssertionError("the target's " + table + " did not reach " + rows + " rows\n" + daemon.log());
            }
            Thread.sleep(50); // polling the target: there is no event to wait on
        }
    }
}
