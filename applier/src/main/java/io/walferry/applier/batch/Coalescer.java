package io.walferry.applier.batch;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.sql.SetStatements;
import io.walferry.decoder.DeleteMessage;
import io.walferry.decoder.InsertMessage;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import io.walferry.decoder.display.ExactBinaryTypes;
import java.util.BitSet;

/**
 * Turns row change messages into the net changes of a {@link Cycle}: reads each change's values as
 * text, finds its key and lane, and applies the coalescing algebra (see {@link Cycle}). Each change
 * is also routed in the cycle's {@link RawLog}, so that the exact path skips what a lane applied.
 *
 * <p>Routing: a keyed table's change goes to lane {@code floorMod(31 * hash(schema, table) +
 * hash(key text), lanes)}, where the key text joins the key columns' text values (binary values are
 * turned into text first, so a stream in either format routes alike); an INSERT into a table without
 * a key goes to a lane by the hash of all its values, its UPDATEs and DELETEs (which make a batch
 * exact) to one lane by its name. An update that changes the key has an old lane and a new lane.
 *
 * <p>Used by one thread.
 */
final class Coalescer {
    private static final String NULL_KEY = "\u0001";

    private final int laneCount;
    /** Where each lane's progress stands: a lane skips the changes of transactions it holds; {@code null}: none held. */
    private final long[] recorded;
    private final StringBuilder scratch = new StringBuilder(64);
    private final BitSet unchanged = new BitSet();
    private final BitSet oldUnchanged = new BitSet();

    Coalescer(int laneCount, long[] recorded) {
        this.laneCount = laneCount;
        this.recorded = recorded == null ? null : recorded.clone();
    }

    void insert(Cycle cycle, InsertMessage insert, RelationInfo relation, SetStatements sql, int index, long commitLsn) {
        String[] row = values(insert.newTuple(), relation, unchanged);
        String key = sql.keyed() ? key(row, sql.keyColumns()) : null;
        int lane = key == null ? rowLane(relation, row) : lane(relation, key);
        cycle.log.route(index, lane, lane);
        if (!unchanged.isEmpty()) {
            cycle.exact("an INSERT into " + relation.qualifiedName() + " with unchanged TOAST values");
        } else if (applies(lane, commitLsn)) {
            cycle.insert(cycle.table(lane, relation, sql), key, row);
        }
    }

    void update(Cycle cycle, UpdateMessage update, RelationInfo relation, SetStatements sql, int index, long commitLsn) {
        if (!sql.keyed()) {
            routeWholeTable(cycle, relation, index);
            cycle.exact("an UPDATE of " + relation.qualifiedName() + ", which has no key (rows matched on every column)");
            return;
        }
        int[] keys = sql.keyColumns();
        String[] row = values(update.newTuple(), relation, unchanged);
        String newKey = key(row, keys);
        String oldKey = newKey;
        String[] oldKeyValues = null;
        if (update.hasOldTuple()) {
            String[] old = values(update.oldTuple(), relation, oldUnchanged);
            if (anyKey(oldUnchanged, keys)) {
                routeWholeTable(cycle, relation, index);
                cycle.exact("an UPDATE of " + relation.qualifiedName() + " whose old key came as an unchanged TOAST value");
                return;
            }
            oldKey = key(old, keys);
            oldKeyValues = keyOnly(old, keys);
        }
        if (anyKey(unchanged, keys)) {
            if (!update.hasOldTuple()) {
                routeWholeTable(cycle, relation, index);
                cycle.exact("an UPDATE of " + relation.qualifiedName() + " whose key came as an unchanged TOAST value");
                return;
            }
            // The key did not change: the old key's values stand for it.
            for (int column : keys) {
                row[column] = oldKeyValues[column];
                unchanged.clear(column);
            }
            newKey = oldKey;
        }
        int newLane = lane(relation, newKey);
        int oldLane = newKey.equals(oldKey) ? newLane : lane(relation, oldKey);
        cycle.log.route(index, newLane, oldLane);
        boolean applyNew = applies(newLane, commitLsn);
        boolean applyOld = applies(oldLane, commitLsn);
        BitSet unchangedColumns = unchanged.isEmpty() ? null : (BitSet) unchanged.clone();
        if (applyNew && applyOld) {
            cycle.update(cycle.table(oldLane, relation, sql), oldKey, oldKeyValues == null ? keyOnly(row, keys) : oldKeyValues,
                    cycle.table(newLane, relation, sql), newKey, row, unchangedColumns);
        } else if (applyNew) {
            if (unchangedColumns != null) {
                cycle.exact("a key change in " + relation.qualifiedName() + " half applied before a restart");
            } else {
                cycle.upsert(cycle.table(newLane, relation, sql), newKey, row);
            }
        } else if (applyOld) {
            cycle.delete(cycle.table(oldLane, relation, sql), oldKey, oldKeyValues);
        }
    }

    void delete(Cycle cycle, DeleteMessage delete, RelationInfo relation, SetStatements sql, int index, long commitLsn) {
        if (!sql.keyed()) {
            routeWholeTable(cycle, relation, index);
            cycle.exact("a DELETE from " + relation.qualifiedName() + ", which has no key (rows matched on every column)");
            return;
        }
        int[] keys = sql.keyColumns();
        String[] old = values(delete.oldTuple(), relation, oldUnchanged);
        if (anyKey(oldUnchanged, keys)) {
            routeWholeTable(cycle, relation, index);
            cycle.exact("a DELETE from " + relation.qualifiedName() + " whose key came as an unchanged TOAST value");
            return;
        }
        String key = key(old, keys);
        int lane = lane(relation, key);
        cycle.log.route(index, lane, lane);
        if (applies(lane, commitLsn)) {
            cycle.delete(cycle.table(lane, relation, sql), key, keyOnly(old, keys));
        }
    }

    private void routeWholeTable(Cycle cycle, RelationInfo relation, int index) {
        int lane = tableLane(relation);
        cycle.log.route(index, lane, lane);
    }

    /** Whether lane {@code lane} still needs the changes of the transaction committed at {@code commitLsn}. */
    private boolean applies(int lane, long commitLsn) {
        return recorded == null || Lsn.compare(commitLsn, recorded[lane]) >= 0;
    }

    /**
     * The lane of an INSERT into a table without a key: by the row's values, so that such inserts
     * spread over the lanes (they are independent of one another; an update or delete of such a table
     * makes its batch exact, applied in source order).
     */
    private int rowLane(RelationInfo relation, String[] row) {
        int hash = tableHash(relation);
        for (String value : row) {
            hash = 31 * hash + (value == null ? 0 : value.hashCode());
        }
        return Math.floorMod(hash, laneCount);
    }

    private int tableLane(RelationInfo relation) {
        return tableLane(relation.namespace(), relation.name(), laneCount);
    }

    private int lane(RelationInfo relation, String key) {
        return keyLane(relation.namespace(), relation.name(), key, laneCount);
    }

    /** The lane (0-based) of a change to the row with key text {@code key} of table {@code schema.table}. */
    static int keyLane(String schema, String table, String key, int laneCount) {
        return Math.floorMod(31 * tableHash(schema, table) + key.hashCode(), laneCount);
    }

    /** The lane (0-based) of the UPDATEs and DELETEs of table {@code schema.table} when it has no key. */
    static int tableLane(String schema, String table, int laneCount) {
        return Math.floorMod(tableHash(schema, table), laneCount);
    }

    private static int tableHash(RelationInfo relation) {
        return tableHash(relation.namespace(), relation.name());
    }

    private static int tableHash(String schema, String table) {
        return 31 * schema.hashCode() + table.hashCode();
    }

    private static boolean anyKey(BitSet columns, int[] keys) {
        for (int key : keys) {
            if (columns.get(key)) {
                return true;
            }
        }
        return false;
    }

    private static String key(String[] values, int[] keys) {
        if (keys.length == 1) {
            String value = values[keys[0]];
            return value == null ? NULL_KEY : value;
        }
        StringBuilder key = new StringBuilder(32);
        for (int i = 0; i < keys.length; i++) {
            String value = values[keys[i]];
            key.append(i == 0 ? "" : "\u0000").append(value == null ? NULL_KEY : value);
        }
        return key.toString();
    }

    private static String[] keyOnly(String[] values, int[] keys) {
        String[] key = new String[values.length];
        for (int column : keys) {
            key[column] = values[column];
        }
        return key;
    }

    /**
     * Every column's value as text ({@code null} for SQL NULL); columns sent as unchanged TOAST
     * values are set in {@code unchangedOut} (cleared first) and left {@code null}.
     */
    private String[] values(TupleData tuple, RelationInfo relation, BitSet unchangedOut) {
        unchangedOut.clear();
        String[] values = new String[tuple.columnCount()];
        for (int i = 0; i < values.length; i++) {
            byte kind = tuple.kind(i);
            if (kind == TupleData.TEXT) {
                values[i] = tuple.text(i);
            } else if (kind == TupleData.BINARY) {
                scratch.setLength(0);
                if (!ExactBinaryTypes.appendText(tuple.buffer(), tuple.valueOffset(i), tuple.valueLength(i),
                        relation.column(i).typeOid(), scratch)) {
                    throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, "column " + relation.column(i).name()
                            + " of " + relation.qualifiedName() + " arrived in binary format with type OID "
                            + Integer.toUnsignedString(relation.column(i).typeOid()) + ", whose binary form walferry"
                            + " cannot convert exactly (or the bytes are not a value of it): stream this table with"
                            + " text values");
                }
                values[i] = scratch.toString();
            } else if (kind == TupleData.UNCHANGED_TOAST) {
                unchangedOut.set(i);
            }
        }
        return values;
    }
}
