package io.walferry.applier.batch;

import io.walferry.applier.sql.SetStatements;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationCache;
import io.walferry.decoder.RelationInfo;
import io.walferry.engine.metrics.ChangeOp;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * One batch of whole source transactions: the messages as they came ({@link RawLog}, for the exact
 * path), and per lane and table the net change of every row, coalesced as changes arrive. The
 * algebra (docs/batched-apply.md), for one key, the earlier net change on the left:
 * <pre>
 * nothing + INSERT r = INSERT r          DELETE + INSERT r = UPSERT r
 * nothing + UPDATE n = UPDATE n          INSERT r + UPDATE n = INSERT (r with n)   (likewise UPSERT)
 * UPDATE p + UPDATE n = UPDATE (p with n): n's unchanged TOAST columns keep p's values, or stay unchanged
 * nothing / UPDATE + DELETE = DELETE     INSERT + DELETE = nothing       UPSERT + DELETE = DELETE
 * key change k1 -> k2 with a full image f (n, or n merged onto an INSERT/UPSERT of k1):
 *     k1 as by a DELETE, then k2: nothing + f = INSERT f, DELETE + f = UPSERT f
 * </pre>
 * Anything else (an insert of a key the batch already has, a change after a delete, a key change
 * without a full image, a TRUNCATE, an update or delete of a table without a key, a table whose
 * columns change within the batch) makes the batch {@linkplain #exact() exact}: applied statement by
 * statement in source order, on one session, which is always right.
 *
 * <p>Built by the applier thread; handed whole to the executor, which only reads it.
 */
final class Cycle {
    final RawLog log = new RawLog();
    /** The relation of each table the batch changes as it stood before the batch's first message about it. */
    final Int2ObjectHashMap<RelationInfo> seeds = new Int2ObjectHashMap<>();
    private final List<Map<Integer, TableBatch>> lanes;
    private final Map<String, long[]> tally = new LinkedHashMap<>();
    private final long startedNanos = System.nanoTime();
    private String exactReason;
    private int changes;
    private int transactions;
    private long endLsn;
    private long commitLsn;
    private long xid;
    private long lastCommitTimeMicros;

    Cycle(int laneCount) {
        lanes = new ArrayList<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            lanes.add(new LinkedHashMap<>());
        }
    }

    /** Keeps a message for the exact path; returns its index in {@link #log}. */
    int log(DirectBuffer buffer, int offset, int length) {
        return log.append(buffer, offset, length);
    }

    /**
     * A decoder for reading {@link #log} again: it knows the relations the batch's changes were
     * decoded with ({@link #seeds}); the log's own Relation messages replace them as it goes.
     */
    PgOutputDecoder replayDecoder(int protocolVersion) {
        RelationCache relations = new RelationCache();
        seeds.values().forEach(relations::remember);
        return new PgOutputDecoder(protocolVersion, relations);
    }

    /** Remembers {@code relation} as the one in force for its first change in this batch, unless one is. */
    void seed(RelationInfo relation) {
        if (!seeds.containsKey(relation.relationId())) {
            seeds.put(relation.relationId(), relation);
        }
    }

    /** Lane {@code lane}'s share of {@code relation}; a table whose columns changed within the batch makes it exact. */
    TableBatch table(int lane, RelationInfo relation, SetStatements sql) {
        TableBatch table = lanes.get(lane).get(relation.relationId());
        if (table == null) {
            table = new TableBatch(relation, sql);
            lanes.get(lane).put(relation.relationId(), table);
        } else if (table.sql != sql) {
            exact("the columns of " + relation.qualifiedName() + " changed within the batch");
        }
        return table;
    }

    /** A source transaction ended at {@code endLsn}; it belongs to this batch. */
    void committed(long endLsn, long commitLsn, long xid, long commitTimeMicros) {
        this.endLsn = endLsn;
        this.commitLsn = commitLsn;
        this.xid = xid;
        this.lastCommitTimeMicros = commitTimeMicros;
        transactions++;
    }

    /** Counts one change of {@code table} for the metrics, recorded when the batch commits. */
    void counted(String table, ChangeOp op) {
        changes++;
        tally.computeIfAbsent(table, t -> new long[ChangeOp.values().length])[op.ordinal()]++;
    }

    void insert(TableBatch table, String key, String[] row) {
        if (exactReason != null) {
            return;
        }
        if (key == null) {
            table.inserts.add(row);
            return;
        }
        BatchEntry entry = table.entries.get(key);
        if (entry == null) {
            table.entries.put(key, new BatchEntry(BatchEntry.INSERT, row, null));
        } else if (entry.op == BatchEntry.DELETE) {
            entry.op = BatchEntry.UPSERT;
            entry.values = row;
            entry.unchanged = null;
        } else {
            exact("an INSERT into " + table.relation.qualifiedName() + " of a key the batch already holds");
        }
    }

    /**
     * An update of the row at {@code oldKey} (in {@code oldTable}, a lane's share) that leaves it at
     * {@code newKey} (in {@code newTable}) with values {@code row}, of which the {@code unchanged}
     * columns were not sent ({@code null} when all were); {@code oldKeyValues} holds the old key's
     * values in their column positions.
     */
    void update(TableBatch oldTable, String oldKey, String[] oldKeyValues, TableBatch newTable, String newKey,
                String[] row, BitSet unchanged) {
        if (exactReason != null) {
            return;
        }
        BatchEntry entry = oldTable.entries.get(oldKey);
        if (entry != null && entry.op == BatchEntry.DELETE) {
            exact("an UPDATE in " + oldTable.relation.qualifiedName() + " of a row the batch deleted");
            return;
        }
        if (oldKey.equals(newKey) && oldTable == newTable) {
            if (entry == null) {
                oldTable.entries.put(oldKey, new BatchEntry(BatchEntry.UPDATE, row, unchanged));
            } else {
                merge(entry, row, unchanged);
            }
            return;
        }
        // The key changed: the row leaves oldKey and arrives at newKey, which needs all its values.
        String[] full = row;
        if (unchanged != null && !unchanged.isEmpty()) {
            if (entry == null || !entry.full()) {
                exact("a key change in " + oldTable.relation.qualifiedName() + " with unchanged TOAST values the batch"
                        + " does not hold");
                return;
            }
            full = merged(entry.values, row, unchanged);
        }
        BatchEntry target = newTable.entries.get(newKey);
        if (target != null && target.op != BatchEntry.DELETE) {
            exact("a key change in " + oldTable.relation.qualifiedName() + " to a key the batch already holds");
            return;
        }
        if (entry != null && entry.op == BatchEntry.INSERT) {
            oldTable.entries.remove(oldKey);
        } else if (entry != null) {
            entry.op = BatchEntry.DELETE;
            entry.values = keyOnly(entry.values, oldTable.sql.keyColumns());
            entry.unchanged = null;
        } else {
            oldTable.entries.put(oldKey, new BatchEntry(BatchEntry.DELETE, oldKeyValues, null));
        }
        if (target == null) {
            newTable.entries.put(newKey, new BatchEntry(BatchEntry.INSERT, full, null));
        } else {
            target.op = BatchEntry.UPSERT;
            target.values = full;
            target.unchanged = null;
        }
    }

    /**
     * The row at {@code key} has these full values now, whether or not it existed before: the new-key
     * half of a key change whose old-key half a lane applied before a crash.
     */
    void upsert(TableBatch table, String key, String[] row) {
        if (exactReason != null) {
            return;
        }
        BatchEntry entry = table.entries.get(key);
        if (entry == null) {
            table.entries.put(key, new BatchEntry(BatchEntry.UPSERT, row, null));
        } else if (entry.op == BatchEntry.DELETE) {
            entry.op = BatchEntry.UPSERT;
            entry.values = row;
        } else {
            exact("a key change in " + table.relation.qualifiedName() + " to a key the batch already holds");
        }
    }

    /** A delete of the row at {@code key}, whose key values {@code keyValues} holds (in relation column positions). */
    void delete(TableBatch table, String key, String[] keyValues) {
        if (exactReason != null) {
            return;
        }
        BatchEntry entry = table.entries.get(key);
        if (entry == null) {
            table.entries.put(key, new BatchEntry(BatchEntry.DELETE, keyValues, null));
        } else if (entry.op == BatchEntry.INSERT) {
            table.entries.remove(key);
        } else if (entry.op == BatchEntry.DELETE) {
            exact("a DELETE from " + table.relation.qualifiedName() + " of a row the batch deleted");
        } else {
            entry.op = BatchEntry.DELETE;
            entry.values = keyValues;
            entry.unchanged = null;
        }
    }

    private static void merge(BatchEntry entry, String[] row, BitSet unchanged) {
        if (unchanged == null || unchanged.isEmpty()) {
            entry.values = row;
            if (entry.op == BatchEntry.UPDATE) {
                entry.unchanged = null;
            }
            return;
        }
        entry.values = merged(entry.values, row, unchanged);
        if (entry.op == BatchEntry.UPDATE) {
            BitSet still = (BitSet) unchanged.clone();
            if (entry.unchanged != null) {
                still.and(entry.unchanged);
            } else {
                still.clear();
            }
            entry.unchanged = still.isEmpty() ? null : still;
        }
    }

    private static String[] merged(String[] earlier, String[] row, BitSet unchanged) {
        String[] values = row.clone();
        for (int i = unchanged.nextSetBit(0); i >= 0; i = unchanged.nextSetBit(i + 1)) {
            values[i] = earlier[i];
        }
        return values;
    }

    private static String[] keyOnly(String[] values, int[] keyColumns) {
        String[] key = new String[values.length];
        for (int column : keyColumns) {
            key[column] = values[column];
        }
        return key;
    }

    /** Applies this batch statement by statement in source order instead, for the reason given. */
    void exact(String reason) {
        if (exactReason == null) {
            exactReason = reason;
            for (Map<Integer, TableBatch> lane : lanes) {
                lane.clear();
            }
        }
    }

    boolean exact() {
        return exactReason != null;
    }

    String exactReason() {
        return exactReason;
    }

    Map<Integer, TableBatch> lane(int lane) {
        return lanes.get(lane);
    }

    int changes() {
        return changes;
    }

    int transactions() {
        return transactions;
    }

    long endLsn() {
        return endLsn;
    }

    long commitLsn() {
        return commitLsn;
    }

    long xid() {
        return xid;
    }

    long lastCommitTimeMicros() {
        return lastCommitTimeMicros;
    }

    long startedNanos() {
        return startedNanos;
    }

    Map<String, long[]> tally() {
        return tally;
    }

    /** Whether the batch holds a whole transaction (so something to apply, or at least an end LSN to record). */
    boolean hasTransactions() {
        return transactions > 0;
    }
}
