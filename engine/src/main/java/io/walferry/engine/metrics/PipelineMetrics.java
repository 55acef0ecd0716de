package io.walferry.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.PgTime;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The metrics and status of one {@code replicate} command: created when the command starts and
 * kept across the pipeline runs it supervises (a restart after a target failure continues the same
 * counters). Every meter is tagged {@code pipeline=<name>}; {@code docs/metrics.md} lists them.
 *
 * <p>Who records what, and what it costs:
 * <ul>
 *   <li>Reader thread: changes decoded, per table and operation (a cached {@link TableChanges},
 *       one counter increment per change), and the positions behind the lag gauges (volatile
 *       writes each time the LSN feedback is recomputed, every 50 ms at most while messages flow).</li>
 *   <li>Applier thread: {@link ApplyMetrics}, per batch and per transaction.</li>
 *   <li>Load workers: nothing; {@link LoadMetrics} reads their counters when scraped.</li>
 *   <li>Gauges (lag, ring occupancy, WAL retained, phase) are computed when scraped, from volatile
 *       state, on the HTTP thread.</li>
 * </ul>
 *
 * <p>{@link #published} metrics go to a Prometheus registry, with the JVM's own meters;
 * {@link #unpublished} ones (no {@code --http}, tests) to a registry that records nothing.
 */
public final class PipelineMetrics implements AutoCloseable {
    private final String pipelineName;
    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final JvmGcMetrics gcMetrics;
    private final long startedNanos = System.nanoTime();
    private final ConcurrentHashMap<String, TableChanges> tables = new ConcurrentHashMap<>();
    private final ApplyMetrics apply;
    private final LoadMetrics load;
    private final Counter sourceReconnects;
    private final Counter targetRestarts;
    private final Counter errors;
    private volatile PipelinePhase phase = PipelinePhase.STARTING;
    private volatile long serverLsn;
    private volatile long confirmedLsn;
    private volatile long oldestWaitingCommitMicros;
    private volatile long catchUpLsn;
    private volatile RingProbe ring;
    private volatile LongSupplier slotRetainedBytes;
    private volatile String lastError;
    private volatile long lastErrorAtMillis;
    private int runs;

    private PipelineMetrics(String pipelineName, MeterRegistry registry, PrometheusMeterRegistry prometheus) {
        this.pipelineName = pipelineName;
        this.registry = registry;
        this.prometheus = prometheus;
        registry.config().commonTags("pipeline", pipelineName);
        if (prometheus != null) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
        } else {
            gcMetrics = null;
        }
        this.apply = new ApplyMetrics(this, registry);
        this.load = new LoadMetrics(this, registry);
        this.sourceReconnects = reconnects(registry, "source");
        this.targetRestarts = reconnects(registry, "target");
        this.errors = Counter.builder("walferry.errors").description("Errors the pipeline recovered from or stopped on")
                .register(registry);
        registerGauges();
    }

    /** Metrics for Prometheus ({@link #scrape}), with the JVM's meters. */
    public static PipelineMetrics published(String pipelineName) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new PipelineMetrics(pipelineName, prometheus, prometheus);
    }

    /** Metrics nobody reads: every meter is a no-op (a composite registry with no registry in it). */
    public static PipelineMetrics unpublished(String pipelineName) {
        return new PipelineMetrics(pipelineName, new CompositeMeterRegistry(), null);
    }

    private static Counter reconnects(MeterRegistry registry, String side) {
        return Counter.builder("walferry.reconnects")
                .description("Reconnects to the source (side=source) and pipeline restarts after a target failure"
                        + " (side=target)")
                .tag("side", side).register(registry);
    }

    private void registerGauges() {
        gauge("walferry.lag.bytes", "WAL bytes between the source's position last seen on the stream and the"
                + " position confirmed to the slot", m -> (double) m.lagBytes());
        gauge("walferry.lag.seconds", "Seconds since the source committed the oldest transaction not yet"
                + " confirmed; 0 when none waits", m -> m.lagSeconds());
        gauge("walferry.confirmed.lsn", "The LSN confirmed to the source's slot (its confirmed_flush_lsn), as a"
                + " number", m -> (double) m.confirmedLsn);
        gauge("walferry.source.wal.lsn", "The source's WAL position last seen on the stream, as a number",
                m -> (double) m.serverLsn);
        gauge("walferry.last.applied.commit.timestamp.seconds", "Source commit time of the last transaction"
                + " applied (Unix seconds); NaN before one", m -> m.lastAppliedCommitSeconds());
        gauge("walferry.ring.used.slots", "Ring buffer events published by the reader and not yet taken by the"
                + " applier; NaN while no pipeline runs", m -> m.ringUsed());
        gauge("walferry.ring.capacity.slots", "Events the ring buffer holds; NaN while no pipeline runs",
                m -> m.ringCapacity());
        gauge("walferry.slot.retained.wal.bytes", "WAL the pipeline's slot makes the source keep (current WAL"
                + " position minus restart_lsn), measured every 10 s; NaN when not measured", m -> m.slotRetained());
        gauge("walferry.healthy", "1 when the pipeline runs and its applier is alive (or the load runs), else 0",
                m -> m.health() == null ? 1 : 0);
        for (PipelinePhase each : PipelinePhase.values()) {
            Gauge.builder("walferry.pipeline.phase", this, m -> m.phase == each ? 1 : 0).strongReference(true)
                    .description("1 for the run's current phase, 0 for the others").tag("phase", each.tag())
                    .register(registry);
        }
    }

    private void gauge(String name, String description, ToDoubleFunction<PipelineMetrics> value) {
        Gauge.builder(name, this, value).strongReference(true).description(description).register(registry);
    }

    // ---- reader thread

    /** The counters of table {@code qualifiedName} ({@code schema.table}); cached, created on first use. */
    public TableChanges table(String qualifiedName) {
        TableChanges changes = tables.get(qualifiedName);
        return changes != null ? changes : tables.computeIfAbsent(qualifiedName, name -> new TableChanges(registry, name));
    }

    /**
     * The reader recomputed the LSN feedback.
     *
     * @param sourceLsn                 the server's WAL position last seen on the stream
     * @param confirmed                 the position confirmed to the slot
     * @param oldestWaitingCommitMicros commit time of the oldest published transaction not yet
     *                                  confirmed (microseconds since 2000-01-01), 0 when none waits
     */
    public void positions(long sourceLsn, long confirmed, long oldestWaitingCommitMicros) {
        this.serverLsn = sourceLsn;
        this.confirmedLsn = confirmed;
        this.oldestWaitingCommitMicros = oldestWaitingCommitMicros;
        if (phase == PipelinePhase.CATCHING_UP && Lsn.compare(confirmed, catchUpLsn) >= 0) {
            phase = PipelinePhase.STREAMING;
        }
    }

    /**
     * Streaming started; the run is catching up until the confirmed position reaches
     * {@code sourceLsn}, the source's WAL position now (0: unknown, taken as caught up).
     */
    public void catchingUpTo(long sourceLsn) {
        catchUpLsn = sourceLsn;
        phase = sourceLsn == Lsn.INVALID || Lsn.compare(confirmedLsn, sourceLsn) >= 0
                ? PipelinePhase.STREAMING : PipelinePhase.CATCHING_UP;
    }

    public void sourceReconnected() {
        sourceReconnects.increment();
    }

    /**
     * A pipeline run starts, with its ring and applier; every run after the first is a restart after
     * a target failure.
     */
    public synchronized void runStarted(RingProbe probe) {
        if (runs++ > 0) {
            targetRestarts.increment();
        }
        ring = probe;
    }

    /** The run ended (stopped, or failed): no applier until the next. */
    public void runEnded() {
        ring = null;
    }

    /** An error the pipeline recovered from or stopped on: {@code /status} shows the last one. */
    public void error(String message) {
        lastError = message;
        lastErrorAtMillis = System.currentTimeMillis();
        errors.increment();
    }

    /** Where to read the WAL the slot retains, in bytes, -1 when unknown. */
    public void slotRetainedBytes(LongSupplier bytes) {
        slotRetainedBytes = bytes;
    }

    void phase(PipelinePhase next) {
        phase = next;
    }

    public ApplyMetrics apply() {
        return apply;
    }

    public LoadMetrics load() {
        return load;
    }

    // ---- any thread

    public String pipelineName() {
        return pipelineName;
    }

    /** Whether {@link #scrape} has something to write. */
    public boolean isPublished() {
        return prometheus != null;
    }

    /** Writes every meter in the Prometheus text format (version 0.0.4). */
    public void scrape(OutputStream out) throws IOException {
        if (prometheus == null) {
            throw new IllegalStateException("the metrics of pipeline " + pipelineName + " are not published");
        }
        prometheus.scrape(out);
    }

    /** The position last confirmed to the source's slot, as the reader last recomputed it; 0 before streaming. */
    public long confirmedLsn() {
        return confirmedLsn;
    }

    /** A snapshot for {@code /status} and {@code /health}. */
    public PipelineStatus status() {
        double applied = 0;
        for (TableChanges changes : tables.values()) {
            applied += changes.appliedTotal();
        }
        String unhealthy = health();
        return new PipelineStatus(pipelineName, phase, unhealthy == null, unhealthy == null ? phase.label() : unhealthy,
                confirmedLsn, serverLsn, lagBytes(), lagSeconds(), (long) applied, apply.transactionsApplied(),
                (long) (sourceReconnects.count() + targetRestarts.count()), lastError, lastErrorAtMillis,
                (System.nanoTime() - startedNanos) / 1e9, load.status());
    }

    /** Null when healthy, else why not. */
    private String health() {
        if (phase == PipelinePhase.LOADING) {
            return null;
        }
        RingProbe probe = ring;
        if (probe == null) {
            return phase == PipelinePhase.STARTING ? "starting: the pipeline does not run yet"
                    : "the pipeline does not run (it stopped, or restarts after a failure)";
        }
        return probe.applierAlive() ? null : "the applier thread stopped";
    }

    private long lagBytes() {
        long source = serverLsn;
        long confirmed = confirmedLsn;
        return Lsn.compare(source, confirmed) > 0 ? source - confirmed : 0;
    }

    private double lagSeconds() {
        long oldest = oldestWaitingCommitMicros;
        if (oldest == 0) {
            return 0;
        }
        long nowMicros = PgTime.fromUnixMicros(System.currentTimeMillis() * 1_000L);
        return Math.max(0, (nowMicros - oldest) / 1e6);
    }

    private double lastAppliedCommitSeconds() {
        long micros = apply.lastCommitTimeMicros();
        return micros == 0 ? Double.NaN : PgTime.PG_EPOCH_UNIX_SECONDS + micros / 1e6;
    }

    private double ringUsed() {
        RingProbe probe = ring;
        return probe == null ? Double.NaN : probe.ringUsedSlots();
    }

    private double ringCapacity() {
        RingProbe probe = ring;
        return probe == null ? Double.NaN : probe.ringCapacity();
    }

    private double slotRetained() {
        LongSupplier bytes = slotRetainedBytes;
        long retained = bytes == null ? -1 : bytes.getAsLong();
        return retained < 0 ? Double.NaN : retained;
    }

    /** Removes the JVM listeners and every meter. */
    @Override
    public void close() {
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        registry.close();
    }
}
