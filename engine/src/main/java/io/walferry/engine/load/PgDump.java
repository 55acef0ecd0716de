package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code pg_dump} executable and the version it reports ({@code pg_dump --version}).
 *
 * <p>pg_dump refuses to dump a server of a newer major version than its own, so a dump needs
 * {@link #major()} at least the source's. It runs as a child process with an environment of its
 * own: every {@code PG*} variable of walferry's environment is removed (so that neither
 * {@code PGOPTIONS} nor Debian's {@code PGCLUSTER} changes what runs or where it connects), the
 * connection is given whole as a conninfo string without the password ({@link #conninfo}), and
 * the password travels in {@code PGPASSWORD}: never on a command line, where {@code ps} shows it.
 *
 * @param path    the executable
 * @param version the version as printed, e.g. {@code 15.20}
 * @param major   the major version, e.g. 15
 */
record PgDump(Path path, String version, int major) {
    private static final Logger LOG = LoggerFactory.getLogger(PgDump.class);
    private static final Pattern VERSION = Pattern.compile("pg_dump \\(PostgreSQL\\) ((\\d+)\\S*)");
    private static final long VERSION_TIMEOUT_SECONDS = 30;
    /**
     * Where PostgreSQL's packages install one pg_dump per major version, below a {@code bin}
     * directory named after the version: Debian and Ubuntu, the PGDG packages of RHEL and its
     * kin, Homebrew on Apple silicon and on Intel.
     */
    private static final List<VersionedLayout> LAYOUTS = List.of(
            new VersionedLayout(Path.of("/usr/lib/postgresql"), ""),
            new VersionedLayout(Path.of("/usr"), "pgsql-"),
            new VersionedLayout(Path.of("/opt/homebrew/opt"), "postgresql@"),
            new VersionedLayout(Path.of("/usr/local/opt"), "postgresql@"));

    /** Directories {@code parent/<prefix><major>/bin} holding a pg_dump. */
    private record VersionedLayout(Path parent, String prefix) {
    }

    /** For messages: {@code pg_dump 15.20 (/usr/lib/postgresql/15/bin/pg_dump)}. */
    String describe() {
        return "pg_dump " + version + " (" + path + ")";
    }

    /**
     * The pg_dump executables to try when none is given, in order: {@code pg_dump} in each
     * directory of {@code PATH}, then the versioned installation directories, newest version first.
     */
    static List<Path> defaultCandidates() {
        String pathVariable = System.getenv("PATH");
        Set<Path> candidates = new LinkedHashSet<>();
        if (pathVariable != null) {
            for (String directory : pathVariable.split(Pattern.quote(File.pathSeparator))) {
                if (!directory.isEmpty()) {
                    addIfExecutable(candidates, Path.of(directory, "pg_dump"));
                }
            }
        }
        for (VersionedLayout layout : LAYOUTS) {
            for (Path directory : versionedDirectories(layout)) {
                addIfExecutable(candidates, directory.resolve("bin").resolve("pg_dump"));
            }
        }
        return new ArrayList<>(candidates);
    }

    private static void addIfExecutable(Set<Path> candidates, Path path) {
        if (Files.isRegularFile(path) && Files.isExecutable(path)) {
            candidates.add(path.toAbsolutePath().normalize());
        }
    }

    private static List<Path> versionedDirectories(VersionedLayout layout) {
        if (!Files.isDirectory(layout.parent())) {
            return List.of();
        }
        Pattern name = Pattern.compile(Pattern.quote(layout.prefix()) + "(\\d+)");
        try (Stream<Path> children = Files.list(layout.parent())) {
            return children.filter(child -> name.matcher(child.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt((Path child) -> Integer.parseInt(
                            child.getFileName().toString().substring(layout.prefix().length()))).reversed())
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot list {}: {}", layout.parent(), e.getMessage());
            return List.of();
        }
    }

    /**
     * Runs {@code path --version}.
     *
     * @throws EngineException ({@link Failure#INVALID_INPUT}) saying why {@code path} is not a
     *         usable pg_dump: missing, not executable, failing, or printing no version
     */
    static PgDump probe(Path path) {
        if (!Files.exists(path)) {
            throw unusable(path, "there is no such file");
        }
        if (Files.isDirectory(path) || !Files.isExecutable(path)) {
            throw unusable(path, "it is not an executable file");
        }
        String output;
        try {
            Process process = process(path, List.of("--version"), null).redirectErrorStream(true).start();
            FutureTask<String> printed = readAsync(process.getInputStream());
            if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw unusable(path, "'--version' did not answer within " + VERSION_TIMEOUT_SECONDS + " s");
            }
            output = result(printed).strip();
            if (process.exitValue() != 0) {
                throw unusable(path, "'--version' failed with exit code " + process.exitValue() + ": " + output);
            }
        } catch (IOException e) {
            throw unusable(path, "it does not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unusable(path, "interrupted while asking its version");
        }
        Matcher version = VERSION.matcher(output);
        if (!version.find()) {
            throw unusable(path, "'--version' printed no pg_dump version (" + output + ")");
        }
        return new PgDump(path, version.group(1), Integer.parseInt(version.group(2)));
    }

    private static EngineException unusable(Path path, String why) {
        return new EngineException(Failure.INVALID_INPUT, path + " is not a usable pg_dump: " + why);
    }

    /**
     * Runs pg_dump with {@code arguments} against {@code source} and returns what it printed
     * (the script, in UTF-8 since walferry passes {@code --encoding=UTF8}). Its warnings are logged.
     *
     * @param what for messages: {@code the pre-data schema}
     * @throws EngineException ({@link Failure#SOURCE_NOT_READY}) quoting pg_dump's error output
     *         when it fails
     */
    String dump(List<String> arguments, ConnectionSpec source, String what) {
        List<String> withConnection = new ArrayList<>(arguments);
        withConnection.add("--dbname=" + conninfo(source));
        String stdout;
        String stderr;
        int exitCode;
        try {
            Process process = process(path, withConnection, source.password()).start();
            process.getOutputStream().close();
            FutureTask<String> errors = readAsync(process.getErrorStream());
            stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            exitCode = process.waitFor();
            stderr = withoutPassword(result(errors).strip(), source.password());
        } catch (IOException e) {
            throw new EngineException(Failure.SOURCE_NOT_READY, describe() + " could not be run to dump " + what
                    + " of " + source.describe() + ": " + e.getMessage() + ". Fix it, or use the built-in schema copy"
                    + " (--pg-dump none)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Failure.SOURCE_NOT_READY, "interrupted while " + describe() + " dumped " + what
                    + "; the load starts again when walferry runs again", e);
        }
        if (exitCode != 0) {
            throw new EngineException(Failure.SOURCE_NOT_READY, describe() + " failed (exit code " + exitCode + ")"
                    + " dumping " + what + " of " + source.describe() + ": " + (stderr.isEmpty() ? "no message" : stderr)
                    + ". Fix the cause and run walferry again, or use the built-in schema copy (--pg-dump none)");
        }
        if (!stderr.isEmpty()) {
            LOG.warn("{} dumping {}: {}", describe(), what, stderr);
        }
        return stdout;
    }

    /**
     * The child process: {@code path} with {@code arguments}, every {@code PG*} variable removed
     * from its environment, and {@code PGPASSWORD} set when there is a password.
     */
    static ProcessBuilder process(Path path, List<String> arguments, String password) {
        List<String> command = new ArrayList<>();
        command.add(path.toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("PG"));
        if (password != null) {
            environment.put("PGPASSWORD", password);
        }
        return builder;
    }

    /**
     * libpq's keyword/value form of {@code source}, without the password: host, port, database,
     * user, TLS settings, timeout and application name, every value quoted (so a database name
     * holding {@code =} or a space is read as a name).
     */
    static String conninfo(ConnectionSpec source) {
        StringBuilder conninfo = new StringBuilder();
        append(conninfo, "host", source.host());
        append(conninfo, "port", Integer.toString(source.port()));
        append(conninfo, "dbname", source.database());
        append(conninfo, "user", source.user());
        append(conninfo, "sslmode", source.sslMode().keyword());
        append(conninfo, "sslrootcert", source.sslRootCert());
        append(conninfo, "sslcert", source.sslCert());
        append(conninfo, "sslkey", source.sslKey());
        if (source.connectTimeoutSeconds() > 0) {
            append(conninfo, "connect_timeout", Integer.toString(source.connectTimeoutSeconds()));
        }
        append(conninfo, "application_name", source.applicationName());
        return conninfo.toString();
    }

    private static void append(StringBuilder conninfo, String keyword, String value) {
        if (value == null) {
            return;
        }
        if (conninfo.length() > 0) {
            conninfo.append(' ');
        }
        conninfo.append(keyword).append("='").append(value.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
    }

    /** libpq never prints a password; this makes sure of it before pg_dump's output reaches a log. */
    private static String withoutPassword(String text, String password) {
        return password == null || password.isEmpty() ? text : text.replace(password, "********");
    }

    /** Reads a child's output stream on a thread of its own, so that a full pipe never stalls the child. */
    private static FutureTask<String> readAsync(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(its output could not be read: " + e.getMessage() + ")";
            }
        });
        Thread reader = new Thread(task, "walferry-pg-dump-output");
        reader.setDaemon(true);
        reader.start();
        return task;
    }

    private static String result(FutureTask<String> output) throws InterruptedException {
        try {
            return output.get();
        } catch (ExecutionException e) {
            return "(its output could not be read: " + e.getCause() + ")";
        }
    }
}
