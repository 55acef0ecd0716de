package io.walferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs a walferry command in this JVM, as {@code main} would but with standard output and error
 * captured, and parses peek's JSON lines.
 *
 * @param exitCode the command's exit code
 * @param stdout   what it printed on standard output
 * @param stderr   what it printed on standard error
 */
record CommandRun(int exitCode, String stdout, String stderr) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CommandRun run(String... args) {
        return run(new StringWriter(), args);
    }

    /** Runs with standard output going to {@code stdout}, which the test may watch while it runs. */
    static CommandRun run(StringWriter stdout, String... args) {
        return run(new PrintWriter(stdout, true), stdout, args);
    }

    static CommandRun run(PrintWriter out, StringWriter stdout, String... args) {
        StringWriter stderr = new StringWriter();
        CommandLine commandLine = Walferry.commandLine(args).setOut(out).setErr(new PrintWriter(stderr, true));
        int exitCode = commandLine.execute(args);
        out.flush();
        return new CommandRun(exitCode, stdout.toString(), stderr.toString());
    }

    /** Runs on another thread; the test drives the source meanwhile. */
    static CompletableFuture<CommandRun> start(String... args) {
        return CompletableFuture.supplyAsync(() -> run(args));
    }

    static CommandRun await(CompletableFuture<CommandRun> run) throws Exception {
        return run.get(120, TimeUnit.SECONDS);
    }

    /** Every line of standard output, parsed. */
    List<JsonNode> messages() {
        List<JsonNode> messages = new ArrayList<>();
        for (String line : stdout.split("\n", -1)) {
            if (!line.isEmpty()) {
                messages.add(parse(line));
            }
        }
        return messages;
    }

    /**
     * The messages with the fields that differ from run to run (LSNs, xids, times, OIDs) removed,
     * after checking their form, so the rest can be compared exactly.
     */
    List<JsonNode> stableMessages() {
        List<JsonNode> stable = new ArrayList<>();
        for (JsonNode message : messages()) {
            ObjectNode copy = message.deepCopy();
            for (String field : List.of("lsn", "final_lsn", "commit_lsn", "end_lsn", "message_lsn", "prepare_lsn",
                    "abort_lsn", "prepare_end_lsn", "rollback_end_lsn")) {
                JsonNode value = copy.remove(field);
                if (value != null && !value.asText().matches("[0-9A-F]+/[0-9A-F]+")) {
                    throw new AssertionError(field + " is not an LSN in " + message);
                }
            }
            for (String field : List.of("commit_time", "prepare_time", "abort_time", "rollback_time")) {
                JsonNode value = copy.remove(field);
                if (value != null && !value.asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z")) {
                    throw new AssertionError(field + " is not an ISO-8601 UTC time in " + message);
                }
            }
            copy.remove("xid");
            copy.remove("sub_xid");
            copy.remove("relid");
            stable.add(copy);
        }
        return stable;
    }

    /** Parses JSON written with single quotes for readability in Java: {@code {'op':'begin'}}. */
    static JsonNode json(String singleQuoted) {
        return parse(singleQuoted.replace('\'', '"'));
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("not a JSON line: " + line, e);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
