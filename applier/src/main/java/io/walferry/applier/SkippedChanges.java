package io.walferry.applier;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.RelationInfo;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The changes an applier leaves out, whatever its mode:
 * <ul>
 *   <li>walferry's own state on the source (schema {@code walferry}: the source was itself a walferry
 *       target, and a publication FOR ALL TABLES carries it), which must never overwrite the
 *       target's;</li>
 *   <li>after a resumed full load, the changes of a table its copy already holds: those of
 *       transactions that committed before the snapshot the table was copied under (PostgreSQL's
 *       tablesync rule).</li>
 * </ul>
 * The snapshot of each relation is looked up once per decoded relation (a new one per Relation
 * message, so a renamed table is looked up again): no string is built per change. One instance per
 * thread.
 */
public final class SkippedChanges {
    /** The schema of walferry's state, on every server it writes to. */
    private static final String STATE_SCHEMA = "walferry";

    private final Map<String, Long> tableSnapshots;
    private final Map<RelationInfo, Long> snapshotLsnByRelation = new IdentityHashMap<>();

    /** {@code tableSnapshots}: the snapshot LSN of each table a resumed load copied late, keyed {@code schema \0 table}. */
    public SkippedChanges(Map<String, Long> tableSnapshots) {
        this.tableSnapshots = Map.copyOf(tableSnapshots);
    }

    /** Whether {@code relation} is walferry's own state. */
    public static boolean state(RelationInfo relation) {
        return STATE_SCHEMA.equals(relation.namespace());
    }

    /** The LSN of the snapshot a resumed load copied {@code relation} under, or {@link Lsn#INVALID} when none did. */
    public long snapshotLsn(RelationInfo relation) {
        if (tableSnapshots.isEmpty()) {
            return Lsn.INVALID;
        }
        return snapshotLsnByRelation.computeIfAbsent(relation, info -> {
            Long lsn = tableSnapshots.get(info.namespace() + '\u0000' + info.name());
            return lsn == null ? Lsn.INVALID : lsn;
        });
    }

    /** Whether a change of {@code relation} in the transaction committed at {@code commitLsn} is left out. */
    public boolean skips(RelationInfo relation, long commitLsn) {
        if (state(relation)) {
            return true;
        }
        long snapshotLsn = snapshotLsn(relation);
        return snapshotLsn != Lsn.INVALID && Lsn.compare(commitLsn, snapshotLsn) < 0;
    }

    /** Forgets the relations looked up, for a new stream (which describes its relations anew). */
    public void clear() {
        snapshotLsnByRelation.clear();
    }
}
