package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walferry.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole move configured by a file: servers, pipeline, tables and switches from {@code --config}. */
class ConfigFileIT {
    @TempDir
    Path directory;

    @Test
    void shouldReplicateTheTablesAndServersTheFileNamesAndShowTheirStatus() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "config_file", "it_config_file")) {
            pair.source.execute("CREATE TABLE kept (id int PRIMARY KEY)", "CREATE TABLE skipped (id int PRIMARY KEY)",
                    "INSERT INTO kept SELECT generate_series(1, 5)", "INSERT INTO skipped VALUES (1)");
            Path config = directory.resolve("walferry.yaml");
            Files.writeString(config, String.join("\n",
                    "# the whole move in one file",
                    "source: " + pair.source.url(),
                    "target: " + pair.target.url(),
                    "pipeline: it_config_file",
                    "tables: [kept]",
                    "jobs: 1",
                    "http: off",
                    "exit-when-caught-up: true",
                    ""), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

            CommandRun run = CommandRun.run("replicate", "--config", config.toString());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).doesNotContain("warning");
            pair.assertSameRows("kept");
            assertThat(pair.target.count("SELECT count(*) FROM pg_tables WHERE tablename = 'skipped'"))
                    .as("a table the file's tables leave out").isZero();

            JsonNode status = new ObjectMapper().readTree(CommandRun.run("status", "--config", config.toString(), "--json")
                    .stdout());
            assertThat(status.get("pipeline").asText()).isEqualTo("it_config_file");
            assertThat(status.get("phase").asText()).isEqualTo("streaming");
            assertThat(status.get("source").get("slot").asText()).as("the file's source").isEqualTo("walferry_it_config_file");
        }
    }
}
