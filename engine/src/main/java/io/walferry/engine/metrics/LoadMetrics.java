package io.walferry.engine.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The full load's meters. The copy's own counters (the {@link LongAdder}s the copy workers add to
 * per 64 kB message) are read by function counters when scraped, so the copy pays nothing for
 * them. Registered only when a load runs, so a pipeline that only streams shows none.
 */
public final class LoadMetrics {
    private final PipelineMetrics pipeline;
    private final MeterRegistry registry;
    private final List<Copy> copies = new CopyOnWriteArrayList<>();
    private final Set<String> phasesSeen = ConcurrentHashMap.newKeySet();
    private volatile String phase;
    private volatile int tablesTotal;
    private volatile int tablesCopiedBefore;

    /** One table the load copies, and the counters its copy adds to. */
    private record Copy(String table, long estimatedRows, LongAdder rows, LongAdder bytes, BooleanSupplier done) {
    }

    LoadMetrics(PipelineMetrics pipeline, MeterRegistry registry) {
        this.pipeline = pipeline;
        this.registry = registry;
    }

    /**
     * The load of {@code total} tables starts or resumes, {@code copiedBefore} of them copied by an
     * earlier run.
     */
    public void started(int total, int copiedBefore) {
        boolean first = phase == null && tablesTotal == 0;
        tablesTotal = total;
        tablesCopiedBefore = copiedBefore;
        pipeline.phase(PipelinePhase.LOADING);
        if (first) {
            Gauge.builder("walferry.load.tables", this, LoadMetrics::tablesTotal).strongReference(true)
                    .description("Tables the full load copies (state=total) and has copied (state=copied)")
                    .tag("state", "total").register(registry);
            Gauge.builder("walferry.load.tables", this, LoadMetrics::tablesCopied).strongReference(true)
                    .description("Tables the full load copies (state=total) and has copied (state=copied)")
                    .tag("state", "copied").register(registry);
        }
    }

    /** The load's phase as recorded on the target ({@code schema}, {@code data}, {@code post-data}, {@code done}). */
    public void phase(String label) {
        phase = label;
        if (phasesSeen.add(label)) {
            Gauge.builder("walferry.load.phase", this, metrics -> label.equals(metrics.phase) ? 1 : 0)
                    .strongReference(true).description("1 for the full load's current phase, 0 for the others")
                    .tag("phase", label).register(registry);
        }
    }

    /** The load is done: the run goes on to streaming. */
    public void finished() {
        pipeline.phase(PipelinePhase.STARTING);
    }

    /**
     * The copy of {@code table} starts, adding to {@code rows} and {@code bytes}; {@code done} says
     * when it is committed.
     */
    public void copying(String table, long estimatedRows, LongAdder rows, LongAdder bytes, BooleanSupplier done) {
        copies.add(new Copy(table, estimatedRows, rows, bytes, done));
        FunctionCounter.builder("walferry.load.rows", rows, LongAdder::sum)
                .description("Rows the full load copied into the target").tag("table", table).register(registry);
        FunctionCounter.builder("walferry.load.bytes", bytes, LongAdder::sum).baseUnit("bytes")
                .description("Bytes of COPY data the full load moved").tag("table", table).register(registry);
        Gauge.builder("walferry.load.estimated.rows", () -> estimatedRows).strongReference(true)
                .description("The source planner's estimate of the table's rows (-1 when unknown)")
                .tag("table", table).register(registry);
    }

    private double tablesTotal() {
        return tablesTotal;
    }

    private double tablesCopied() {
        int copied = tablesCopiedBefore;
        for (Copy copy : copies) {
            copied += copy.done.getAsBoolean() ? 1 : 0;
        }
        return copied;
    }

    /** For {@code /status}; null when no load ran. */
    PipelineStatus.Load status() {
        if (phase == null) {
            return null;
        }
        List<PipelineStatus.Table> tables = new ArrayList<>();
        for (Copy copy : copies) {
            tables.add(new PipelineStatus.Table(copy.table, copy.rows.sum(), copy.bytes.sum(), copy.estimatedRows,
                    copy.done.getAsBoolean()));
        }
        return new PipelineStatus.Load(phase, tablesTotal, (int) tablesCopied(), tables);
    }
}
