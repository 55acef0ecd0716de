package io.walferry.cli.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The pgbench program that {@code --generator pgbench} runs: the one given with {@code --pgbench},
 * else the first {@code pgbench} on {@code PATH}, asked for its version before the bench connects
 * to anything, so that a missing or wrong program stops the command at once, with nothing created.
 *
 * @param path    the program
 * @param version the first line it printed for {@code --version}, e.g. {@code pgbench (PostgreSQL) 17.2}
 */
public record PgbenchProgram(Path path, String version) {
    private static final long VERSION_TIMEOUT_SECONDS = 10;
    private static final String NOT_FOUND_FIX = "install PostgreSQL's client programs (the postgresql-client package"
            + " on Debian and Ubuntu, postgresql on Red Hat and Homebrew), give the program's path with --pgbench PATH,"
            + " or use --generator builtin";

    /**
     * Finds the program and checks that it is PostgreSQL's pgbench.
     *
     * @param given        {@code --pgbench}, or null to look on the path
     * @param pathVariable the {@code PATH} to look on, or null
     * @throws IllegalArgumentException naming the program, what is wrong with it and the fix
     */
    public static PgbenchProgram locate(String given, String pathVariable) {
        Path program = given != null ? given(given) : onPath(pathVariable);
        return new PgbenchProgram(program, version(program, given != null ? "--pgbench " + given
                : "--generator pgbench: " + program + " (the first pgbench on the PATH)"));
    }

    private static Path given(String given) {
        Path program = Path.of(given);
        if (Files.isDirectory(program)) {
            throw new IllegalArgumentException("--pgbench " + given + " is a directory (expected: the pgbench program"
                    + " itself, e.g. " + program.resolve("pgbench") + ")");
        }
        if (!Files.exists(program)) {
            throw new IllegalArgumentException("--pgbench " + given + ": no such file (expected: the path of PostgreSQL's"
                    + " pgbench program, e.g. /usr/lib/postgresql/17/bin/pgbench); " + NOT_FOUND_FIX);
        }
        if (!Files.isExecutable(program)) {
            throw new IllegalArgumentException("--pgbench " + given + " is not executable: give the path of PostgreSQL's"
                    + " pgbench program, or make this one executable (chmod +x " + given + ")");
        }
        return program;
    }

    private static Path onPath(String pathVariable) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> names = windows ? List.of("pgbench.exe", "pgbench") : List.of("pgbench");
        if (pathVariable != null) {
            for (String directory : pathVariable.split(File.pathSeparator)) {
                if (directory.isEmpty()) {
                    continue;
                }
                for (String name : names) {
                    Path candidate = Path.of(directory, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
        }
        throw new IllegalArgumentException("--generator pgbench: no pgbench program on the PATH"
                + (pathVariable == null ? " (PATH is not set)" : "") + ": " + NOT_FOUND_FIX);
    }

    /** The first line of {@code program --version}, which must name pgbench. */
    private static String version(Path program, String named) {
        Path output = null;
        try {
            output = Files.createTempFile("walferry-pgbench-version-", ".txt");
            Process process = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalArgumentException(named + " did not answer --version within " + VERSION_TIMEOUT_SECONDS
                        + " s: give the path of PostgreSQL's pgbench program with --pgbench PATH, or use --generator"
                        + " builtin");
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8).strip();
            String firstLine = printed.lines().findFirst().orElse("");
            if (process.exitValue() != 0 || !firstLine.startsWith("pgbench")) {
                throw new IllegalArgumentException(named + " is not PostgreSQL's pgbench: for --version it printed \""
                        + PgbenchOutput.shorten(printed) + "\"" + (process.exitValue() != 0 ? " and exited with status "
                        + process.exitValue() : "") + " (expected: pgbench (PostgreSQL) VERSION); give the path of"
                        + " PostgreSQL's pgbench with --pgbench PATH, or use --generator builtin");
            }
            return firstLine;
        } catch (IOException e) {
            throw new IllegalArgumentException(named + " cannot be run (" + e.getMessage() + "): " + NOT_FOUND_FIX, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + program + " for its version", e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    // a temporary file of a few bytes, in the temporary directory
                }
            }
        }
    }
}
