package io.walferry.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bench reads in pgbench's output: the transactions it committed (standard output), and,
 * when it failed, an excerpt of its error output for the message. Stateless.
 */
final class PgbenchOutput {
    /** {@code number of transactions actually processed: 300/300} (with -t) or {@code : 1234} (with -T). */
    private static final Pattern PROCESSED = Pattern.compile("^number of transactions actually processed: (\\d+)",
            Pattern.MULTILINE);
    /** libpq's words for a connection that could not be made, as pgbench 10 to 17 print them. */
    private static final Pattern CONNECTION_FAILED = Pattern.compile("connection to (server|database) .*failed"
            + "|could not create connection");
    /** Lines of error output a message quotes at most, besides the first error. */
    static final int TAIL_LINES = 6;
    private static final int MAX_LINE_CHARS = 300;

    private PgbenchOutput() {
    }

    /** The transactions pgbench committed, from its summary; -1 when there is none. */
    static long transactionsProcessed(String stdout) {
        Matcher matcher = PROCESSED.matcher(stdout);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Whether pgbench failed to connect, rather than failed in the workload. */
    static boolean connectionFailed(String stderr) {
        return CONNECTION_FAILED.matcher(stderr).find();
    }

    /**
     * The first error line and the last {@value #TAIL_LINES} lines of {@code stderr}, each shortened,
     * joined by {@code " | "}: with many clients the last lines can be echoes of the first error (in
     * {@code -M prepared}: {@code prepared statement "P_0" does not exist}), so the first one is kept.
     */
    static String errorExcerpt(String stderr) {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(shorten(line.strip()));
            }
        }
        if (lines.isEmpty()) {
            return "(no error output)";
        }
        int tailStart = Math.max(0, lines.size() - TAIL_LINES);
        List<String> excerpt = new ArrayList<>();
        for (int i = 0; i < tailStart; i++) {
            if (lines.get(i).contains("error")) {
                excerpt.add(lines.get(i));
                excerpt.add("...");
                break;
            }
        }
        if (excerpt.isEmpty() && tailStart > 0) {
            excerpt.add("...");
        }
        excerpt.addAll(lines.subList(tailStart, lines.size()));
        return String.join(" | ", excerpt);
    }

    /** {@code text} on one line, cut at {@value #MAX_LINE_CHARS} characters. */
    static String shorten(String text) {
        String line = text.replaceAll("\\s*\\R\\s*", " | ");
        return line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS) + "...";
    }
}
