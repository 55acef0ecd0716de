package io.walferry.engine.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the copy moved, per table and in total, and logs it every few seconds from a daemon
 * thread: tables done, rows, MB and MB/s, and for the tables in flight their rows and share of the
 * planner's estimate, with an ETA when the estimates are known.
 */
final class LoadProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadProgress.class);

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
        long estimate = 0;
        for (LoadTable table : toCopy) {
            TableCounters counters = new TableCounters(table);
            tables.put(LoadState.key(table.schema(), table.name()), counters);
            order.add(counters);
            estimate = estimate < 0 || table.estimatedRows() < 0 ? -1 : estimate + table.estimatedRows();
        }
        this.estimatedRows = estimate;
        reporter = new Thread(() -> report(intervalMs), "walferry-load-progress");
        reporter.setDaemon(true);
        reporter.start();
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

    @Override
    public void close() {
        closed = true;
        reporter.interrupt();
    }
}
