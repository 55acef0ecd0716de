package io.walferry.engine.load;

import io.walferry.engine.metrics.LoadMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the copy moved, per table and in total, and shows it from a daemon thread. On a
 * terminal ({@link System#console()} present) it redraws, twice a second, a bar per table in flight
 * and one for the total, with rows, MB/s and ETA. Otherwise it logs a line every few seconds:
 * tables done, rows, MB and MB/s, and for the tables in flight their rows and share of the
 * planner's estimate, with an ETA when the estimates are known.
 */
final class LoadProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadProgress.class);
    private static final long BAR_INTERVAL_MS = 500;
    private static final int BAR_WIDTH = 30;
    private static final int LABEL_WIDTH = 32;

    /** One table's counters. */
    static final class TableCounters {
        final LoadTable table;
        final LongAdder bytes = new LongAdder();
        final LongAdder rows = new LongAdder();
        final AtomicInteger chunksRunning = new AtomicInteger();
        volatile boolean done;

        TableCounters(LoadTable table) {
            this.table = table;
        }
    }

    private final ConcurrentHashMap<String, TableCounters> tables = new ConcurrentHashMap<>();
    private final List<TableCounters> order = new ArrayList<>();
    private final long estimatedRows;
    private final long startNanos = System.nanoTime();
    private final Thread reporter;
    private volatile boolean closed;

    LoadProgress(List<LoadTable> toCopy, long intervalMs) {
        this(toCopy, intervalMs, System.console() != null);
    }

    LoadProgress(List<LoadTable> toCopy, long intervalMs, boolean terminal) {
        long estimate = 0;
        for (LoadTable table : toCopy) {
            TableCounters counters = new TableCounters(table);
            tables.put(LoadState.key(table.schema(), table.name()), counters);
            order.add(counters);
            estimate = estimate < 0 || table.estimatedRows() < 0 ? -1 : estimate + table.estimatedRows();
        }
        this.estimatedRows = estimate;
        reporter = new Thread(terminal ? this::drawBars : () -> report(intervalMs), "walferry-load-progress");
        reporter.setDaemon(true);
        reporter.start();
    }

    /** Lets {@code metrics} read each table's counters when scraped: the copy itself records nothing more. */
    void reportTo(LoadMetrics metrics) {
        for (TableCounters counters : order) {
            metrics.copying(counters.table.displayName(), counters.table.estimatedRows(), counters.rows,
                    counters.bytes, () -> counters.done);
        }
    }

    TableCounters of(LoadTable table) {
        return tables.get(LoadState.key(table.schema(), table.name()));
    }

    long totalBytes() {
        long total = 0;
        for (TableCounters counters : order) {
            total += counters.bytes.sum();
        }
        return total;
    }

    private void report(long intervalMs) {
        while (!closed) {
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                LOG.info(line());
            }
        }
    }

    /** Redraws the bars on standard error until closed, then leaves the last frame. */
    private void drawBars() {
        int drawn = 0;
        while (true) {
            List<String> frame = bars();
            StringBuilder out = new StringBuilder();
            if (drawn > 0) {
                out.append("\033[").append(drawn).append('A');
            }
            for (String line : frame) {
                out.append("\r\033[K").append(line).append('\n');
            }
            for (int i = frame.size(); i < drawn; i++) {
                out.append("\r\033[K\n");
            }
            System.err.print(out);
            System.err.flush();
            drawn = Math.max(drawn, frame.size());
            if (closed) {
                return;
            }
            try {
                Thread.sleep(BAR_INTERVAL_MS);
            } catch (InterruptedException e) {
                closed = true;
            }
        }
    }

    /** The bars: one per table in flight, then the total. */
    List<String> bars() {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        List<String> lines = new ArrayList<>();
        long rows = 0;
        long bytes = 0;
        int done = 0;
        for (TableCounters counters : order) {
            long tableRows = counters.rows.sum();
            rows += tableRows;
            bytes += counters.bytes.sum();
            done += counters.done ? 1 : 0;
            if (!counters.done && counters.chunksRunning.get() > 0) {
                lines.add(bar(counters.table.displayName(), tableRows, counters.table.estimatedRows(),
                        counters.bytes.sum() / 1048576.0 / seconds, ""));
            }
        }
        String eta = estimatedRows > 0 && rows > 0 && rows < estimatedRows
                ? String.format(Locale.ROOT, "  ETA %d s", Math.round(seconds * (estimatedRows - rows) / rows)) : "";
        lines.add(bar("total " + done + "/" + order.size() + " tables", rows, estimatedRows,
                bytes / 1048576.0 / seconds, eta));
        return lines;
    }

    private static String bar(String label, long rows, long estimate, double mbPerSecond, String suffix) {
        int filled = estimate > 0 ? (int) Math.min(BAR_WIDTH, rows * BAR_WIDTH / estimate) : 0;
        String percent = estimate > 0 ? String.format(Locale.ROOT, "%3d%%", Math.min(100, rows * 100 / estimate)) : "  ?%";
        String name = label.length() > LABEL_WIDTH ? label.substring(0, LABEL_WIDTH - 1) + "~" : label;
        return String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s [%s%s] %s %12d rows %8.1f MB/s%s", name,
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), percent, rows, mbPerSecond, suffix);
    }

    /** One progress line. */
    String line() {
        long rows = 0;
        long bytes = 0;
        int done = 0;
        StringBuilder inFlight = new StringBuilder();
        for (TableCounters counters : order) {
            long tableRows = counters.rows.sum();
            rows += tableRows;
            bytes += counters.bytes.sum();
            if (counters.done) {
                done++;
            } else if (counters.chunksRunning.get() > 0) {
                inFlight.append(inFlight.length() == 0 ? "; in flight: " : ", ").append(counters.table.displayName())
                        .append(' ').append(tableRows).append(" rows");
                if (counters.table.estimatedRows() > 0) {
                    inFlight.append(String.format(Locale.ROOT, " (~%d%%)",
                            Math.min(99, tableRows * 100 / counters.table.estimatedRows())));
                }
            }
        }
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        double mb = bytes / 1048576.0;
        String eta = "";
        if (estimatedRows > 0 && rows > 0 && rows < estimatedRows) {
            eta = String.format(Locale.ROOT, ", ETA ~%d s", Math.round(seconds * (estimatedRows - rows) / rows));
        }
        return String.format(Locale.ROOT, "load: %d/%d tables copied, %d rows, %.1f MB, %.1f MB/s%s%s", done,
                order.size(), rows, mb, mb / seconds, eta, inFlight);
    }

    /** Stops the reports; on a terminal, the last frame is drawn before this returns. */
    @Override
    public void close() {
        closed = true;
        reporter.interrupt();
        try {
            reporter.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
