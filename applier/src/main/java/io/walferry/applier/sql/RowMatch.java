package io.walferry.applier.sql;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.decoder.RelationInfo;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;

/**
 * How an UPDATE or DELETE finds its one target row: the {@code WHERE} clause of one relation.
 * <ul>
 *   <li>{@link Mode#SOURCE_KEY}: the columns the Relation message flags as the replica identity key
 *       (primary key, or {@code REPLICA IDENTITY USING INDEX}), compared with {@code =}.</li>
 *   <li>{@link Mode#TARGET_KEY}: {@code REPLICA IDENTITY FULL} (every column flagged), but the
 *       target has a primary key whose columns the source sends: that key, with {@code =}.</li>
 *   <li>{@link Mode#WHOLE_ROW}: {@code REPLICA IDENTITY FULL} without a usable target key: exactly
 *       one row whose columns all match, even among identical rows, through
 *       {@code (tableoid, ctid) = (SELECT tableoid, ctid ... LIMIT 1)} ({@code tableoid} because
 *       partitions of one root reuse ctids). Columns are compared as the target's own text output of
 *       both sides, under collation "C": exact for every type, including those without an equality
 *       operator (json, point, xml) and those whose equality is looser than identity (numeric scale,
 *       case-insensitive collations).</li>
 * </ul>
 */
final class RowMatch {
    enum Mode {
        SOURCE_KEY, TARGET_KEY, WHOLE_ROW
    }

    private final Mode mode;
    private final boolean[] match;
    private final String[] names;
    private final String[] typeName;
    private final String tableName;
    private final String dmlTarget;

    private RowMatch(Mode mode, boolean[] match, RelationInfo relation, String[] typeName, String dmlTarget) {
        this.mode = mode;
        this.match = match;
        this.names = new String[match.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = relation.column(i).name();
        }
        this.typeName = typeName;
        this.tableName = relation.qualifiedName();
        this.dmlTarget = dmlTarget;
    }

    static RowMatch choose(RelationInfo relation, TargetTable target, String[] typeName, String dmlTarget) {
        boolean[] match = new boolean[relation.columnCount()];
        if (relation.replicaIdentity() != RelationInfo.IDENTITY_FULL) {
            for (int i = 0; i < match.length; i++) {
                match[i] = relation.column(i).key();
            }
            return new RowMatch(Mode.SOURCE_KEY, match, relation, typeName, dmlTarget);
        }
        Map<String, TargetColumn> primaryKey = target.primaryKey();
        int found = 0;
        for (int i = 0; i < match.length; i++) {
            match[i] = primaryKey.containsKey(relation.column(i).name());
            found += match[i] ? 1 : 0;
        }
        if (!primaryKey.isEmpty() && found == primaryKey.size()) {
            return new RowMatch(Mode.TARGET_KEY, match, relation, typeName, dmlTarget);
        }
        Arrays.fill(match, true);
        return new RowMatch(Mode.WHOLE_ROW, match, relation, typeName, dmlTarget);
    }

    /** True when rows are matched on every column ({@link Mode#WHOLE_ROW}): the table has no key to go by. */
    boolean wholeRow() {
        return mode == Mode.WHOLE_ROW;
    }

    /** True when column {@code index} identifies a row (for messages): a key column, or any column of a whole-row match. */
    boolean identifies(int index) {
        return match[index];
    }

    /** True when column {@code index} is a key column compared with {@code =}, so its value is certain on the row found. */
    boolean keyColumn(int index) {
        return match[index] && mode != Mode.WHOLE_ROW;
    }

    /**
     * Appends the condition, with values from {@code tuple}; {@code unchanged} has bit
     * {@code unchangedBase + i} set for each column sent as an unchanged TOAST value, which a whole
     * row match leaves out and a key cannot do without.
     */
    void append(StatementPlan.Builder sql, byte tuple, BitSet unchanged, int unchangedBase) {
        if (mode == Mode.WHOLE_ROW) {
            sql.text("(tableoid, ctid) = (SELECT tableoid, ctid FROM ").text(dmlTarget).text(" WHERE ");
            int compared = 0;
            for (int i = 0; i < match.length; i++) {
                if (!unchanged.get(unchangedBase + i)) {
                    sql.text(compared++ == 0 ? "(" : " AND (").identifier(names[i]);
                    sql.text(")::text COLLATE \"C\" IS NOT DISTINCT FROM (");
                    sql.parameter(tuple, i, names[i], typeName[i], true).text(")::text");
                }
            }
            sql.text(compared == 0 ? "true LIMIT 1)" : " LIMIT 1)");
            return;
        }
        int keys = 0;
        for (int i = 0; i < match.length; i++) {
            if (!match[i]) {
                continue;
            }
            if (unchanged.get(unchangedBase + i)) {
                throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, "key column " + names[i] + " of " + tableName
                        + " arrived as an unchanged TOAST value without an old key to find the row by");
            }
            sql.text(keys++ == 0 ? "" : " AND ").identifier(names[i]).text(" = ");
            sql.parameter(tuple, i, names[i], typeName[i], true);
        }
        if (keys == 0) {
            throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, "table " + tableName + " has no replica identity"
                    + " key, so its updates and deletes cannot be found on the target: run ALTER TABLE " + tableName
                    + " REPLICA IDENTITY FULL on the source, or add a primary key");
        }
    }
}
