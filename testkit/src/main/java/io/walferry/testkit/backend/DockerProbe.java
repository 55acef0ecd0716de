package io.walferry.testkit.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine is reachable for Testcontainers, asked once per JVM.
 *
 * <p>Two steps, so that a machine without Docker answers at once and quietly: first a look
 * for any sign of an engine (a {@code DOCKER_HOST}, a Testcontainers configuration file, a
 * socket where Docker, Docker Desktop, Colima, Rancher Desktop or OrbStack put theirs); only
 * then Testcontainers' own probe, which logs at length when it fails (that is wanted: an engine
 * was configured), bounded by a timeout in case the engine accepts connections but never
 * answers.
 */
public final class DockerProbe {
    private static final Logger LOG = LoggerFactory.getLogger(DockerProbe.class);
    /**
     * Testcontainers' probe also starts its Ryuk container, which pulls an image the first
     * time; long enough for that, short enough to bound an engine that never answers.
     */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    private static DockerStatus status;

    private DockerProbe() {
    }

    /**
     * Whether Docker is available, and if not, why.
     *
     * @param available true when Testcontainers can start containers
     * @param detail    why not, or which engine answered
     */
    public record DockerStatus(boolean available, String detail) {
    }

    /** Probes on first call (a few milliseconds without Docker), then answers from memory. */
    public static synchronized DockerStatus status() {
        if (status == null) {
            long startNanos = System.nanoTime();
            status = probe();
            LOG.info("Docker {} for Testcontainers ({}), probed in {} ms",
                status.available() ? "available" : "not available", status.detail(),
                (System.nanoTime() - startNanos) / 1_000_000);
        }
        return status;
    }

    private static DockerStatus probe() {
        List<String> hints = endpointHints();
        if (hints.isEmpty()) {
            return new DockerStatus(false, "no DOCKER_HOST, no ~/.testcontainers.properties and no Docker socket at "
                + String.join(", ", socketCandidates().stream().map(Path::toString).toList()));
        }
        CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(
            () -> DockerClientFactory.instance().isDockerAvailable(), DockerProbe::runOnDaemonThread);
        try {
            boolean available = answer.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new DockerStatus(available, available
                ? "Testcontainers reached an engine via " + hints
                : "Testcontainers found no working engine via " + hints);
        } catch (TimeoutException e) {
            return new DockerStatus(false, "Testcontainers did not answer within " + PROBE_TIMEOUT.toSeconds()
                + " s via " + hints + " (if it was pulling its Ryuk image, run again)");
        } catch (ExecutionException e) {
            return new DockerStatus(false, "Testcontainers failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DockerStatus(false, "interrupted while probing Docker");
        }
    }

    private static void runOnDaemonThread(Runnable task) {
        Thread thread = new Thread(task, "walferry-docker-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Signs that some Docker engine may be configured, in the order Testcontainers looks. */
    private static List<String> endpointHints() {
        List<String> hints = new ArrayList<>();
        for (String variable : List.of("DOCKER_HOST", "TESTCONTAINERS_HOST_OVERRIDE", "TC_HOST")) {
            if (System.getenv(variable) != null) {
                hints.add(variable);
            }
        }
        Path properties = Path.of(System.getProperty("user.home"), ".testcontainers.properties");
        if (Files.exists(properties)) {
            hints.add(properties.toString());
        }
        for (Path socket : socketCandidates()) {
            if (Files.exists(socket)) {
                hints.add(socket.toString());
            }
        }
        return hints;
    }

    private static List<Path> socketCandidates() {
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> sockets = new ArrayList<>(List.of(
            Path.of("/var/run/docker.sock"),
            home.resolve(".docker/run/docker.sock"),
            home.resolve(".docker/desktop/docker.sock"),
            home.resolve(".colima/default/docker.sock"),
            home.resolve(".colima/docker.sock"),
            home.resolve(".rd/docker.sock"),
            home.resolve(".orbstack/run/docker.sock")));
        String runtimeDirectory = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDirectory != null) {
            sockets.add(Path.of(runtimeDirectory, "docker.sock"));
        }
        return sockets;
    }
}
