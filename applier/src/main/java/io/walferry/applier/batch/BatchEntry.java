package io.walferry.applier.batch;

import java.util.BitSet;

/**
 * The net change of one row (one key of one table) over a batch: what the batch does to it,
 * whatever sequence of changes the source made.
 */
final class BatchEntry {
    /** The row did not exist before the batch and does after: a plain insert (a conflict is an error). */
    static final byte INSERT = 'I';
    /** The row may have existed before the batch and does after, with these values: delete, then insert. */
    static final byte UPSERT = 'U';
    /** The row existed before the batch and does after: set the columns carried (not the unchanged ones). */
    static final byte UPDATE = 'P';
    /** The row existed before the batch and does not after. */
    static final byte DELETE = 'D';

    byte op;
    /** Every column of the relation, as text ({@code null} for SQL NULL); only the key columns for a delete. */
    String[] values;
    /** Columns the source sent as unchanged TOAST values (the target keeps them), for an update; else {@code null}. */
    BitSet unchanged;

    BatchEntry(byte op, String[] values, BitSet unchanged) {
        this.op = op;
        this.values = values;
        this.unchanged = unchanged;
    }

    /** Whether every column's value is known (no unchanged TOAST value among them). */
    boolean full() {
        return op != DELETE && (unchanged == null || unchanged.isEmpty());
    }
}
