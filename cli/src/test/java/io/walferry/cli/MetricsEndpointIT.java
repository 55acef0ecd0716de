package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.walferry.decoder.Lsn;
import io.walferry.testkit.TestPostgres;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code replicate --http}: the endpoint of a running walferry scraped over HTTP while it loads and
 * streams, as Prometheus and an operator would; and its end, which leaves no port open and no
 * thread behind.
 */
class MetricsEndpointIT {
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final long POLL_MS = 100;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeMetricsStatusAndHealthOfARunningReplicateOnLoopbackOnly() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "metrics_http", "it_metrics")) {
            pair.schema("CREATE TABLE items (id int PRIMARY KEY, note text)", "CREATE TABLE other (id int PRIMARY KEY)");
            pair.source.execute("INSERT INTO items SELECT g, 'loaded' FROM generate_series(1, 100) g");
            int port = freePort();
            // A port alone: the host is the default one.
            try (WalferryProcess daemon = WalferryProcess.start(List.of(),
                    pair.replicateWithLoad("--schema", "existing", "--http", String.valueOf(port)))) {
                JsonNode streaming = awaitStatus(port, "streaming", daemon);
                assertThat(streaming.path("load").path("phase").asText()).isEqualTo("done");
                assertThat(streaming.path("load").path("tables_copied").asInt()).isEqualTo(2);
                String loaded = get(port, "/metrics").body();
                assertThat(value(loaded, "walferry_load_rows_total", "table=\"public.items\"")).isEqualTo(100);
                assertThat(value(loaded, "walferry_load_tables", "state=\"copied\"")).isEqualTo(2);

                pair.source.execute("INSERT INTO items SELECT g, 'new' FROM generate_series(101, 105) g",
                        "UPDATE items SET note = 'changed' WHERE id IN (101, 102, 103)",
                        "INSERT INTO other VALUES (1)");
                long beforeLast = pair.source.count("SELECT pg_current_wal_lsn() - '0/0'");
                pair.source.execute("DELETE FROM items WHERE id IN (104, 105)");

                String scraped = awaitMetrics(port, daemon, text ->
                        applied(text, "items", "delete") == 2 && applied(text, "other", "insert") == 1);
                assertThat(applied(scraped, "items", "insert")).isEqualTo(5);
                assertThat(applied(scraped, "items", "update")).isEqualTo(3);
                assertThat(applied(scraped, "items", "delete")).isEqualTo(2);
                assertThat(applied(scraped, "items", "truncate")).isZero();
                assertThat(value(scraped, "walferry_changes_decoded_total", "op=\"insert\"", "table=\"public.items\""))
                        .isEqualTo(5);
                assertThat(value(scraped, "walferry_transactions_applied_total")).isEqualTo(4);
                assertThat(value(scraped, "walferry_lag_bytes")).isNotNaN();
                assertThat(value(scraped, "walferry_lag_seconds")).isNotNaN();
                assertThat(value(scraped, "walferry_ring_capacity_slots")).isEqualTo(4096);
                // The batched mode commits batches (on every lane), one or more for these four transactions.
                assertThat(value(scraped, "walferry_apply_commit_seconds_count"))
                        .isEqualTo(value(scraped, "walferry_apply_batches_total")).isBetween(1.0, 4.0);
                assertThat(value(scraped, "walferry_apply_fallbacks_total")).isZero();

                JsonNode status = awaitStatusWhere(port, daemon, s ->
                        Lsn.compare(Lsn.parse(s.path("confirmed_lsn").asText()), beforeLast) > 0);
                assertThat(status.path("pipeline").asText()).isEqualTo("it_metrics");
                assertThat(status.path("phase").asText()).isEqualTo("streaming");
                assertThat(status.path("confirmed_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
                assertThat(status.path("changes_applied").asLong()).isEqualTo(11);
                assertThat(status.path("last_error").isNull()).isTrue();
                assertThat(status.toString()).doesNotContain(pair.source.url()).doesNotContainIgnoringCase("password");

                HttpResponse<String> health = get(port, "/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(CommandRun.parse(health.body()).path("status").asText()).isEqualTo("ok");

                Optional<InetAddress> external = nonLoopbackAddress();
                if (external.isPresent()) {
                    assertThatThrownBy(() -> new Socket(external.get(), port).close())
                            .as("listening on 127.0.0.1 only, not on %s", external.get())
                            .isInstanceOf(ConnectException.class);
                }

                assertThat(daemon.terminate(AWAIT)).as(daemon.log()).isZero();
            }
            assertClosed(port);
        }
    }

    @Test
    void shouldExitWith2WhenTheHttpPortIsInUseAndLeaveNothingBehindAfterARun() throws Exception {
        try (ReplicaPair pair = new ReplicaPair(TestPostgres.pair(17, 17), "metrics_port", "it_metrics_port");
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            pair.schema("CREATE TABLE t (id int PRIMARY KEY)");
            String address = "127.0.0.1:" + taken.getLocalPort();

            CommandRun refused = CommandRun.run(pair.replicate("--http", address, "--exit-when-caught-up"));

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(refused.stderr()).contains("--http " + address + ": cannot listen on " + address)
                    .contains("--http off");
            assertThat(pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'walferry_it_metrics_port'"))
                    .as("nothing was started").isZero();
            assertThat(threads("walferry-http")).isZero();

            int port = freePort();
            CommandRun ran = CommandRun.run(pair.replicate("--http", "127.0.0.1:" + port, "--exit-when-caught-up"));

            assertThat(ran.exitCode()).as(ran.toString()).isZero();
            assertThat(threads("walferry-http")).as("the event loop is shut down before replicate returns").isZero();
            awaitNoThread("walferry-slot-wal-meter");
            assertClosed(port);
        }
    }

    private static double applied(String metrics, String table, String op) {
        return value(metrics, "walferry_changes_applied_total", "op=\"" + op + "\"", "table=\"public." + table + "\"");
    }

    /** The value of the first sample of {@code name} with every one of {@code labels}; NaN when none. */
    private static double value(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            String labelText = line.substring(name.length(), line.lastIndexOf('}') + 1);
            boolean matches = true;
            for (String label : labels) {
                matches &= labelText.contains(label);
            }
            if (matches) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    private interface TextCondition {
        boolean holds(String text);
    }

    private interface JsonCondition {
        boolean holds(JsonNode json);
    }

    private String awaitMetrics(int port, WalferryProcess daemon, TextCondition condition) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        String text = "";
        while (System.nanoTime() - deadline < 0 && daemon.isAlive()) {
            text = get(port, "/metrics").body();
            if (condition.holds(text)) {
                return text;
            }
            Thread.sleep(POLL_MS); // polling: the metrics live in another process
        }
        throw new AssertionError("the metrics never showed what was written\n" + text + "\n" + daemon.log());
    }

    private JsonNode awaitStatus(int port, String phase, WalferryProcess daemon) throws Exception {
        return awaitStatusWhere(port, daemon, status -> status.path("phase").asText().equals(phase));
    }

    private JsonNode awaitStatusWhere(int port, WalferryProcess daemon, JsonCondition condition) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        JsonNode status = null;
        while (System.nanoTime() - deadline < 0 && daemon.isAlive()) {
            try {
                status = CommandRun.parse(get(port, "/status").body());
                if (condition.holds(status)) {
                    return status;
                }
            } catch (ConnectException e) {
                // The child JVM has not bound the port yet.
            }
            Thread.sleep(POLL_MS); // polling: the status lives in another process
        }
        throw new AssertionError("/status never showed the expected state; last: " + status + "\n" + daemon.log());
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertClosed(int port) {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .as("port %d is closed once replicate has ended", port).isInstanceOf(ConnectException.class);
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive()).count();
    }

    /** The slot meter is interrupted on close, and may take a moment to notice between its queries. */
    private static void awaitNoThread(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (threads(prefix) > 0) {
            assertThat(System.nanoTime() - deadline).as("thread %s still runs", prefix).isNegative();
            Thread.sleep(POLL_MS);
        }
    }

    /** An IPv4 address of this machine other than loopback, if it has one. */
    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!network.isUp() || network.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(network.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
