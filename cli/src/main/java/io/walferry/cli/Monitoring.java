package io.walferry.cli;

import io.walferry.engine.EngineException;
import io.walferry.engine.http.HttpEndpoint;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.pipeline.SlotWalGuard;
import io.walferry.engine.source.SourceConnector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --http} option of {@code replicate}: the run's metrics, and the endpoint that serves
 * them with its status and health, from the start of the command (so a full load is watched too)
 * to its end. With the endpoint comes a meter of the WAL the pipeline's slot retains, measured every
 * {@value #SLOT_MEASURE_INTERVAL_MS} ms on a connection of its own.
 *
 * <p>On by default, on {@value #DEFAULT_ADDRESS}: loopback only, because the endpoint has no
 * authentication (it serves nothing secret, but it is nobody else's business). A port that is in use
 * fails the command (exit 2) when the operator named it; when it is the default (a second pipeline
 * on the same host, say), the run warns and goes on without the endpoint.
 */
final class Monitoring implements AutoCloseable {
    /** Port 8432: outside the Prometheus exporters' 9100-9999 range, which is full; PostgreSQL's 5432 in it. */
    static final String DEFAULT_ADDRESS = "127.0.0.1:8432";
    static final String OFF = "off";
    private static final long SLOT_MEASURE_INTERVAL_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

    private final PipelineMetrics metrics;
    private final HttpEndpoint endpoint;
    private final SlotWalGuard slotMeter;

    private Monitoring(PipelineMetrics metrics, HttpEndpoint endpoint, SlotWalGuard slotMeter) {
        this.metrics = metrics;
        this.endpoint = endpoint;
        this.slotMeter = slotMeter;
    }

    /**
     * Starts what {@code --http} asks for.
     *
     * @param option the option's value, null when not given (the default address)
     */
    static Monitoring start(CommandSpec spec, String option, PipelineConfig config) {
        InetSocketAddress address = parse(spec, option == null ? DEFAULT_ADDRESS : option);
        if (address == null) {
            return new Monitoring(PipelineMetrics.unpublished(config.pipelineName()), null, null);
        }
        PipelineMetrics metrics = PipelineMetrics.published(config.pipelineName());
        HttpEndpoint endpoint;
        try {
            endpoint = HttpEndpoint.start(address, metrics, "--http " + (option == null ? DEFAULT_ADDRESS : option));
        } catch (EngineException e) {
            metrics.close();
            if (option != null) {
                throw e;
            }
            LOG.warn("{}; this run serves no metrics", e.getMessage());
            return new Monitoring(PipelineMetrics.unpublished(config.pipelineName()), null, null);
        }
        SlotWalGuard slotMeter = SlotWalGuard.measuring(new SourceConnector(config.source()), config.slotName(),
                SLOT_MEASURE_INTERVAL_MS);
        metrics.slotRetainedBytes(slotMeter::lastRetained);
        slotMeter.startMeasuring();
        return new Monitoring(metrics, endpoint, slotMeter);
    }

    /**
     * {@code HOST:PORT}, {@code [IPv6]:PORT}, a port alone (on 127.0.0.1), or {@code off} (null).
     * Port 0 lets the system choose (the log says which).
     */
    static InetSocketAddress parse(CommandSpec spec, String text) {
        String value = text.strip();
        if (value.toLowerCase(Locale.ROOT).equals(OFF)) {
            return null;
        }
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
        String port = colon < 0 ? value : value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new ParameterException(spec.commandLine(), "--http " + text + " is not an address to listen on"
                    + " (expected: HOST:PORT such as 127.0.0.1:8432, a port alone for 127.0.0.1, or off)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port));
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--http " + text + ": unknown host " + host
                    + " (expected: an address of this machine, such as 127.0.0.1, or a name that resolves to one)");
        }
    }

    /** Where the run records; unpublished when the endpoint is off. */
    PipelineMetrics metrics() {
        return metrics;
    }

    /** Stops the slot meter and the endpoint (waiting for its thread), and drops the meters. */
    @Override
    public void close() {
        if (slotMeter != null) {
            slotMeter.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        metrics.close();
    }
}
