package io.walferry.testkit.backend;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded PostgreSQL process, started by zonky from the binaries of one major version,
 * with a data directory of its own; {@link #close()} stops it and deletes the directory.
 *
 * <p>Data directories live in zonky's working directory ({@code java.io.tmpdir/embedded-pg},
 * or {@code -Dot.epg.working-dir}), where zonky stops and deletes the leftovers of JVMs that
 * died without stopping their servers (once they are ten minutes old). The server's output
 * goes to a log file beside the data directory, deleted when the server stops or the JVM
 * exits, whose tail is quoted when the server fails to start.
 */
final class EmbeddedServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    /** Generous: several servers may run initdb at once on a small CI machine. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 20;
    /** zonky's superuser; initdb gives it trust authentication, replication included. */
    private static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;
    private final PgServerEndpoint endpoint;
    private final Path dataDirectory;
    private final Path binDirectory;
    private final Path logFile;

    private EmbeddedServer(EmbeddedPostgres postgres, PgServerEndpoint endpoint, Path dataDirectory,
                           Path binDirectory, Path logFile) {
        this.postgres = postgres;
        this.endpoint = endpoint;
        this.dataDirectory = dataDirectory;
        this.binDirectory = binDirectory;
        this.logFile = logFile;
        endpoint.allowRestart(this::restart);
    }

    /** Starts a server of {@code major} in {@code role}, on a free loopback port. */
    static EmbeddedServer start(int major, ServerRole role) throws IOException, SQLException {
        EmbeddedBinaries.requireAvailable(major);
        for (int attempt = 1; ; attempt++) {
            int port = LoopbackPorts.reserve();
            try {
                return startOnPort(major, role, port);
            } catch (PortTakenException e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("{}; retrying on another port", e.getMessage());
            }
        }
    }

    private static EmbeddedServer startOnPort(int major, ServerRole role, int port) throws IOException, SQLException {
        Path workingDirectory = Files.createDirectories(workingDirectory());
        String namePrefix = "walferry-pg" + major + "-" + role.label() + "-";
        Path dataDirectory = Files.createTempDirectory(workingDirectory, namePrefix);
        Path logFile = Files.createTempFile(workingDirectory, namePrefix, ".log");
        logFile.toFile().deleteOnExit();
        long startNanos = System.nanoTime();
        EmbeddedPostgres postgres = startPostgres(major, port, dataDirectory, logFile);
        try {
            requireServesDataDirectory(postgres, port, dataDirectory);
            PgServerEndpoint endpoint = PgServerEndpoint.open(
                new ServerAddress("localhost", port, SUPERUSER, null, "postgres", null), "embedded");
            LOG.info("started {} as {} in {} ms (data directory {}, server log {})", endpoint.describe(),
                role.label(), (System.nanoTime() - startNanos) / 1_000_000, dataDirectory, logFile);
            return new EmbeddedServer(postgres, endpoint, dataDirectory, binDirectory(postgres), logFile);
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    private static EmbeddedPostgres startPostgres(int major, int port, Path dataDirectory, Path logFile)
            throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
            .setPgBinaryResolver(EmbeddedBinaries.resolver(major))
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(true)
            // TestPostgres's one hook stops every server, in parallel.
            .setRegisterShutdownHook(false)
            .setPGStartupWait(STARTUP_WAIT)
            .setPort(port)
            .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        LogicalReplicationSettings.SERVER_SETTINGS.forEach(builder::setServerConfig);
        try {
            return builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("embedded PostgreSQL " + major + " did not start on port " + port + ": "
                + e.getMessage() + "; last lines of " + logFile + ":\n" + tail(logFile), e);
        } catch (ExceptionInInitializerError e) {
            // zonky reports a failure to read or unpack the binaries this way.
            throw new IOException("embedded PostgreSQL " + major + " binaries could not be prepared: "
                + e.getCause(), e.getCause());
        }
    }

    /**
     * zonky believes a server is up once anything answers SQL on its port; if another server
     * already held the port, ours failed to bind and that one answered instead.
     */
    private static void requireServesDataDirectory(EmbeddedPostgres postgres, int port, Path dataDirectory)
            throws IOException, SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('data_directory')")) {
            row.next();
            Path served = Path.of(row.getString(1));
            if (!Files.exists(served) || !Files.isSameFile(served, dataDirectory)) {
                throw new PortTakenException("port " + port + " is served by another PostgreSQL (data directory "
                    + served + ", expected " + dataDirectory + ")");
            }
        }
    }

    /**
     * Where zonky unpacked the binaries: {@code pg_config}'s {@code BINDIR}, which a relocatable
     * build derives from the running server's own executable.
     */
    private static Path binDirectory(EmbeddedPostgres postgres) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT setting FROM pg_catalog.pg_config WHERE name = 'BINDIR'")) {
            row.next();
            return Path.of(row.getString(1));
        }
    }

    /**
     * {@code pg_ctl restart -m fast -w}: the server stops as on a real restart (sessions terminated,
     * a shutdown checkpoint) and starts again with the options it was started with
     * ({@code postmaster.opts}: the same port and settings). Its output goes on into the same log.
     */
    private void restart() throws IOException {
        long startNanos = System.nanoTime();
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // As zonky does: PostgreSQL refuses to run as root, and in a user namespace it is not.
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(binDirectory.resolve("pg_ctl").toString(), "-D", dataDirectory.toString(),
                "-m", "fast", "-w", "-t", Long.toString(STARTUP_WAIT.toSeconds()), "restart"));
        Process pgCtl = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
        try {
            if (!pgCtl.waitFor(STARTUP_WAIT.toSeconds() * 2, TimeUnit.SECONDS)) {
                pgCtl.destroyForcibly();
                throw new IOException("pg_ctl restart of " + endpoint.describe() + " did not finish; last lines of "
                    + logFile + ":\n" + tail(logFile));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restarting " + endpoint.describe(), e);
        }
        if (pgCtl.exitValue() != 0) {
            throw new IOException("pg_ctl restart of " + endpoint.describe() + " exited with " + pgCtl.exitValue()
                + "; last lines of " + logFile + ":\n" + tail(logFile));
        }
        LOG.info("restarted {} in {} ms", endpoint.describe(), (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** The server as tests see it. */
    PgServerEndpoint endpoint() {
        return endpoint;
    }

    /** Stops the server, deletes its data directory and log. */
    @Override
    public void close() throws IOException {
        postgres.close();
        Files.deleteIfExists(logFile);
        LOG.info("stopped {}", endpoint.describe());
    }

    @Override
    public String toString() {
        return endpoint.describe();
    }

    private static Path workingDirectory() {
        Path defaultDirectory = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
        return Path.of(System.getProperty("ot.epg.working-dir", defaultDirectory.toString()));
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The port given to a new server turned out to be in use by another server. */
    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
