package io.walferry.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.metrics.ChangeOp;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.metrics.RingProbe;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The endpoint on its own, on a loopback port the system chooses; no database needed. */
class HttpEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void shouldServeMetricsStatusAndHealth() throws Exception {
        try (PipelineMetrics metrics = PipelineMetrics.published("shop");
             HttpEndpoint endpoint = start(metrics)) {
            metrics.table("public.orders").decoded(ChangeOp.INSERT);

            HttpResponse<String> scrape = get(endpoint, "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(scrape.body()).contains("walferry_changes_decoded_total{op=\"insert\",pipeline=\"shop\","
                    + "table=\"public.orders\"} 1.0").contains("jvm_memory_used_bytes");

            HttpResponse<String> starting = get(endpoint, "/health");
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(starting.body()).path("status").asText()).isEqualTo("unavailable");

            metrics.runStarted(aliveRing());
            metrics.catchingUpTo(0);
            HttpResponse<String> healthy = get(endpoint, "/health");
            assertThat(healthy.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(healthy.body()).path("status").asText()).isEqualTo("ok");

            JsonNode status = JSON.readTree(get(endpoint, "/status?pretty").body());
            assertThat(status.path("pipeline").asText()).isEqualTo("shop");
            assertThat(status.path("phase").asText()).isEqualTo("streaming");
            assertThat(status.path("confirmed_lsn").asText()).isEqualTo("0/0");
            assertThat(status.has("lag_bytes")).isTrue();
            assertThat(status.path("last_error").isNull()).isTrue();
            assertThat(status.has("load")).as("no load ran").isFalse();
        }
    }

    @Test
    void shouldAnswerUnknownPathsWith404AndOtherMethodsWith405() throws Exception {
        try (PipelineMetrics metrics = PipelineMetrics.published("shop");
             HttpEndpoint endpoint = start(metrics)) {
            assertThat(get(endpoint, "/").statusCode()).isEqualTo(404);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri(endpoint, "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET");
        }
    }

    @Test
    void shouldRefuseAPortInUseAsInvalidInput() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             PipelineMetrics metrics = PipelineMetrics.published("shop")) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());

            assertThatThrownBy(() -> HttpEndpoint.start(address, metrics, "--http 127.0.0.1:" + taken.getLocalPort()))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT);
                        assertThat(e.getMessage()).startsWith("--http 127.0.0.1:" + taken.getLocalPort() + ": cannot listen")
                                .contains("--http off");
                    });
            assertThat(httpThreads()).as("the event loop of the failed start").isZero();
        }
    }

    @Test
    void shouldLeaveNoThreadAndNoListeningSocketWhenClosed() throws Exception {
        InetSocketAddress address;
        try (PipelineMetrics metrics = PipelineMetrics.published("shop");
             HttpEndpoint endpoint = start(metrics)) {
            address = endpoint.address();
            assertThat(get(endpoint, "/metrics").statusCode()).isEqualTo(200);
            assertThat(httpThreads()).isEqualTo(1);
        }
        // The event loop's thread completes the shutdown future before it exits: give it a moment to end.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (httpThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(httpThreads()).isZero();
        assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }

    private static HttpEndpoint start(PipelineMetrics metrics) {
        return HttpEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics, "--http test");
    }

    private HttpResponse<String> get(HttpEndpoint endpoint, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(endpoint, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(HttpEndpoint endpoint, String path) {
        return URI.create("http://127.0.0.1:" + endpoint.address().getPort() + path);
    }

    private static long httpThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("walferry-http") && thread.isAlive()).count();
    }

    private static RingProbe aliveRing() {
        return new RingProbe() {
            @Override
            public boolean applierAlive() {
                return true;
            }

            @Override
            public long ringUsedSlots() {
                return 0;
            }

            @Override
            public int ringCapacity() {
                return 16;
            }
        };
    }
}
