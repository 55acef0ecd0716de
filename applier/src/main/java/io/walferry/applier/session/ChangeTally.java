package io.walferry.applier.session;

import io.walferry.engine.metrics.ChangeOp;
import io.walferry.engine.metrics.TableChanges;
import java.util.Arrays;
import org.agrona.collections.IntArrayList;

/**
 * The changes of the target transaction in progress, per table and operation, held until it
 * commits: the applied-change counters then count what is on the target, never a change a rollback
 * undid. A savepoint starts a new segment, so that rolling back a subtransaction forgets exactly
 * its changes.
 *
 * <p>Entries are kept in parallel arrays that grow to the number of distinct (table, operation)
 * pairs per segment and are reused: counting a change allocates nothing. Applier thread only.
 */
final class ChangeTally {
    private static final ChangeOp[] OPS = ChangeOp.values();

    private TableChanges[] tables = new TableChanges[8];
    private byte[] ops = new byte[8];
    private long[] counts = new long[8];
    private int size;
    /** Where each open savepoint's segment starts, innermost last. */
    private final IntArrayList segments = new IntArrayList();

    /** One change of {@code op} to {@code table}, not yet committed. */
    void add(TableChanges table, ChangeOp op) {
        byte code = (byte) op.ordinal();
        int segmentStart = segments.isEmpty() ? 0 : segments.getInt(segments.size() - 1);
        // Runs of one table and operation are the common case: look at the newest entry first.
        for (int i = size - 1; i >= segmentStart; i--) {
            if (tables[i] == table && ops[i] == code) {
                counts[i]++;
                return;
            }
        }
        if (size == tables.length) {
            tables = Arrays.copyOf(tables, size * 2);
            ops = Arrays.copyOf(ops, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        tables[size] = table;
        ops[size] = code;
        counts[size] = 1;
        size++;
    }

    /** A savepoint opens: what follows can be rolled back on its own. */
    void savepoint() {
        segments.addInt(size);
    }

    /**
     * Rolls back to the savepoint opened {@code index}-th (0 the outermost still open) and releases
     * it: its changes and those of every savepoint opened after it are forgotten.
     */
    void rollbackToSavepoint(int index) {
        size = segments.getInt(index);
        while (segments.size() > index) {
            segments.removeAt(segments.size() - 1);
        }
    }

    /** The transaction committed: adds every count to its table's counters and starts afresh. */
    void committed() {
        for (int i = 0; i < size; i++) {
            tables[i].applied(OPS[ops[i]], counts[i]);
        }
        clear();
    }

    /** The transaction rolled back: forgets everything. */
    void clear() {
        size = 0;
        segments.clear();
    }
}
