package io.walferry.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The change counters of one table, one per operation: created once per table and kept, so that
 * counting a change is an array index and an increment, with no tag built and nothing allocated.
 */
public final class TableChanges {
    private static final ChangeOp[] OPS = ChangeOp.values();

    private final String table;
    private final Counter[] decoded = new Counter[OPS.length];
    private final Counter[] applied = new Counter[OPS.length];

    TableChanges(MeterRegistry registry, String table) {
        this.table = table;
        for (ChangeOp op : OPS) {
            decoded[op.ordinal()] = Counter.builder("walferry.changes.decoded")
                    .description("Row changes the reader decoded from the replication stream")
                    .tag("table", table).tag("op", op.tag()).register(registry);
            applied[op.ordinal()] = Counter.builder("walferry.changes.applied")
                    .description("Row changes committed on the target")
                    .tag("table", table).tag("op", op.tag()).register(registry);
        }
    }

    /** {@code schema.table}, unquoted: the value of the {@code table} tag. */
    public String table() {
        return table;
    }

    /** Reader thread: one change of {@code op} decoded. */
    public void decoded(ChangeOp op) {
        decoded[op.ordinal()].increment();
    }

    /** Applier thread: {@code count} changes of {@code op} committed on the target. */
    public void applied(ChangeOp op, long count) {
        applied[op.ordinal()].increment(count);
    }

    /** Every change of this table committed on the target, of every operation. */
    double appliedTotal() {
        double total = 0;
        for (Counter counter : applied) {
            total += counter.count();
        }
        return total;
    }
}
