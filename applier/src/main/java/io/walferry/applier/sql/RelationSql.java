package io.walferry.applier.sql;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.DeleteMessage;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The statements that write one source relation into its target table, built from the Relation
 * message and the target's catalog, and cached per shape of change. Values travel as text and are
 * cast to the target column's type ({@code ?::numeric(10,2)}), so every type the target can read
 * from text works the same way: arrays, ranges, json, enums, domains, composites, special values.
 *
 * <p>Shapes:
 * <ul>
 *   <li>INSERT: every column the source sent that the target does not generate, with
 *       {@code OVERRIDING SYSTEM VALUE} when one is {@code GENERATED ALWAYS AS IDENTITY}.</li>
 *   <li>UPDATE: {@code SET} every column sent except unchanged TOAST values ({@code 'u'}, which the
 *       target keeps) and generated or always-identity columns; the row is found by its key, from the
 *       old key tuple when one was sent (the key changed), else from the new tuple. Always-identity
 *       columns are checked in the {@code WHERE} instead: a change to one matches no row and fails.</li>
 *   <li>DELETE: the row found by its old key.</li>
 *   <li>REPLICA IDENTITY FULL: by the target's primary key when it has one, else exactly one row
 *       matching on every column, even among identical rows ({@link RowMatch}).</li>
 * </ul>
 * Non-partitioned tables are written with {@code ONLY}, so inheritance children (which the source
 * sends as relations of their own) are left alone.
 *
 * <p>Used by the applier thread only.
 */
public final class RelationSql {
    private static final int SHAPE_DELETE = 0;
    private static final int SHAPE_HAS_OLD = 1;
    private static final int SHAPE_FIRST_COLUMN = 2;

    private final RelationInfo shape;
    private final String tableName;
    private final String qualified;
    private final String dmlTarget;
    private final String[] typeName;
    private final boolean[] generated;
    private final boolean[] alwaysIdentity;
    private final RowMatch rowMatch;
    private final StatementPlan insertPlan;
    private final StatementPlan[] plainUpdate = new StatementPlan[2];
    private StatementPlan plainDelete;
    private final Map<BitSet, StatementPlan> shapedPlans = new HashMap<>();
    private final BitSet probe = new BitSet();
    private RelationInfo lastSeen;
    private SetStatements setStatements;

    private RelationSql(RelationInfo relation, TargetTable target) {
        this.shape = relation;
        this.lastSeen = relation;
        this.tableName = relation.qualifiedName();
        this.qualified = SqlIdentifiers.qualified(target.schema(), target.name());
        this.dmlTarget = target.partitioned() ? qualified : "ONLY " + qualified;
        int count = relation.columnCount();
        typeName = new String[count];
        generated = new boolean[count];
        alwaysIdentity = new boolean[count];
        for (int i = 0; i < count; i++) {
            ColumnInfo column = relation.column(i);
            TargetColumn targetColumn = target.column(column.name());
            if (targetColumn == null) {
                throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "column " + column.name() + " of table "
                        + tableName + ", sent by the source, does not exist on the target: add it there"
                        + " (ALTER TABLE " + qualified + " ADD COLUMN " + SqlIdentifiers.quote(column.name()) + " ...)");
            }
            typeName[i] = targetColumn.typeName();
            generated[i] = targetColumn.generated();
            alwaysIdentity[i] = targetColumn.alwaysIdentity();
        }
        this.rowMatch = RowMatch.choose(relation, target, typeName, dmlTarget);
        this.insertPlan = buildInsert();
    }

    /**
     * The statements for {@code relation} written into {@code target}.
     *
     * @throws ApplyException when the target table lacks a column the source sends, or takes no rows
     */
    public static RelationSql build(RelationInfo relation, TargetTable target) {
        if (!target.writable()) {
            throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "table " + relation.qualifiedName()
                    + " is a relation of kind '" + target.relkind() + "' on the target, not a table:"
                    + " create it there as a table with the source's definition");
        }
        return new RelationSql(relation, target);
    }

    /**
     * True when {@code relation} describes the same table and columns these statements were built
     * for: the source re-sends Relation messages on every new stream and after unrelated DDL.
     */
    public boolean accepts(RelationInfo relation) {
        if (relation == lastSeen) {
            return true;
        }
        if (relation.replicaIdentity() != shape.replicaIdentity() || !relation.namespace().equals(shape.namespace())
                || !relation.name().equals(shape.name()) || relation.columnCount() != shape.columnCount()) {
            return false;
        }
        for (int i = 0; i < relation.columnCount(); i++) {
            if (!relation.column(i).equals(shape.column(i))) {
                return false;
            }
        }
        lastSeen = relation;
        return true;
    }

    /**
     * The set-wise statements of the batched apply mode for this table, built on first use (by the
     * thread that owns this object; the result is immutable and may be handed to other threads).
     */
    public SetStatements setStatements() {
        if (setStatements == null) {
            String[] names = new String[typeName.length];
            boolean[] key = new boolean[typeName.length];
            boolean anyKey = false;
            for (int i = 0; i < names.length; i++) {
                names[i] = shape.column(i).name();
                key[i] = rowMatch.keyColumn(i);
                anyKey |= key[i];
            }
            // Without a key (a whole-row match, or no key column at all), rows are only ever inserted set-wise.
            setStatements = new SetStatements(shape, qualified, dmlTarget, names, typeName, generated, alwaysIdentity,
                    rowMatch.wholeRow() || !anyKey ? null : key);
        }
        return setStatements;
    }

    /** The source table, {@code schema.name} unquoted, for messages. */
    public String tableName() {
        return tableName;
    }

    /** How TRUNCATE names the table: {@code ONLY "s"."t"}, or without {@code ONLY} for a partitioned table. */
    public String truncateTarget() {
        return dmlTarget;
    }

    public StatementPlan insertPlan() {
        return insertPlan;
    }

    /** The plan for this update's shape: which columns are unchanged TOAST, whether an old tuple came. */
    public StatementPlan updatePlan(UpdateMessage update) {
        boolean hasOld = update.hasOldTuple();
        TupleData newTuple = update.newTuple();
        TupleData oldTuple = update.oldTuple();
        if (!anyUnchanged(newTuple) && (!hasOld || !anyUnchanged(oldTuple))) {
            int slot = hasOld ? 1 : 0;
            StatementPlan plan = plainUpdate[slot];
            if (plan == null) {
                probe.clear();
                probe.set(SHAPE_HAS_OLD, hasOld);
                plan = plainUpdate[slot] = buildUpdate(probe);
            }
            return plan;
        }
        probe.clear();
        probe.set(SHAPE_HAS_OLD, hasOld);
        markUnchanged(newTuple, SHAPE_FIRST_COLUMN);
        if (hasOld) {
            markUnchanged(oldTuple, SHAPE_FIRST_COLUMN + typeName.length);
        }
        return shaped(false);
    }

    /** The plan for this delete's shape (the whole-row match leaves out unchanged TOAST old values). */
    public StatementPlan deletePlan(DeleteMessage delete) {
        return deletePlan(delete.oldTuple());
    }

    /**
     * The plan that deletes the row {@code oldTuple} identifies: a DELETE's old tuple, or a key-changing
     * UPDATE's (whose old key must go on its own after a crash between two lanes' commits).
     */
    public StatementPlan deletePlan(TupleData oldTuple) {
        if (!anyUnchanged(oldTuple)) {
            if (plainDelete == null) {
                probe.clear();
                probe.set(SHAPE_DELETE);
                probe.set(SHAPE_HAS_OLD);
                plainDelete = buildDelete(probe);
            }
            return plainDelete;
        }
        probe.clear();
        probe.set(SHAPE_DELETE);
        probe.set(SHAPE_HAS_OLD);
        markUnchanged(oldTuple, SHAPE_FIRST_COLUMN + typeName.length);
        return shaped(true);
    }

    private StatementPlan shaped(boolean delete) {
        StatementPlan plan = shapedPlans.get(probe);
        if (plan == null) {
            BitSet key = (BitSet) probe.clone();
            plan = delete ? buildDelete(key) : buildUpdate(key);
            shapedPlans.put(key, plan);
        }
        return plan;
    }

    private static boolean anyUnchanged(TupleData tuple) {
        for (int i = 0; i < tuple.columnCount(); i++) {
            if (tuple.kind(i) == TupleData.UNCHANGED_TOAST) {
                return true;
            }
        }
        return false;
    }

    private void markUnchanged(TupleData tuple, int firstBit) {
        for (int i = 0; i < tuple.columnCount(); i++) {
            if (tuple.kind(i) == TupleData.UNCHANGED_TOAST) {
                probe.set(firstBit + i);
            }
        }
    }

    private StatementPlan buildInsert() {
        StatementPlan.Builder sql = new StatementPlan.Builder().text("INSERT INTO ").text(qualified);
        boolean overriding = false;
        int written = 0;
        for (int i = 0; i < typeName.length; i++) {
            if (!generated[i]) {
                sql.text(written++ == 0 ? " (" : ", ").identifier(shape.column(i).name());
                overriding |= alwaysIdentity[i];
            }
        }
        if (written == 0) {
            return sql.text(" DEFAULT VALUES").build(StatementPlan.Kind.INSERT, shape);
        }
        sql.text(overriding ? ") OVERRIDING SYSTEM VALUE VALUES (" : ") VALUES (");
        written = 0;
        for (int i = 0; i < typeName.length; i++) {
            if (!generated[i]) {
                sql.text(written++ == 0 ? "" : ", ");
                sql.parameter(StatementPlan.NEW_TUPLE, i, shape.column(i).name(), typeName[i], rowMatch.identifies(i));
            }
        }
        return sql.text(")").build(StatementPlan.Kind.INSERT, shape);
    }

    private StatementPlan buildUpdate(BitSet shapeBits) {
        StatementPlan.Builder sql = new StatementPlan.Builder().text("UPDATE ").text(dmlTarget).text(" SET ");
        int set = 0;
        for (int i = 0; i < typeName.length; i++) {
            if (!generated[i] && !alwaysIdentity[i] && !shapeBits.get(SHAPE_FIRST_COLUMN + i)) {
                sql.text(set++ == 0 ? "" : ", ").identifier(shape.column(i).name()).text(" = ");
                sql.parameter(StatementPlan.NEW_TUPLE, i, shape.column(i).name(), typeName[i], false);
            }
        }
        if (set == 0) {
            throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "an UPDATE of " + tableName
                    + " changes no column the target can write (every column sent is generated, always-identity"
                    + " or an unchanged TOAST value)");
        }
        boolean hasOld = shapeBits.get(SHAPE_HAS_OLD);
        sql.text(" WHERE ");
        byte whereTuple = hasOld ? StatementPlan.OLD_TUPLE : StatementPlan.NEW_TUPLE;
        rowMatch.append(sql, whereTuple, shapeBits, unchangedBase(whereTuple));
        for (int i = 0; i < typeName.length; i++) {
            boolean provenByKey = rowMatch.keyColumn(i) && !hasOld;
            if (alwaysIdentity[i] && !generated[i] && !provenByKey && !shapeBits.get(SHAPE_FIRST_COLUMN + i)) {
                sql.text(" AND ").identifier(shape.column(i).name()).text(" = ");
                sql.parameter(StatementPlan.NEW_TUPLE, i, shape.column(i).name(), typeName[i], false);
            }
        }
        return sql.build(StatementPlan.Kind.UPDATE, shape);
    }

    private StatementPlan buildDelete(BitSet shapeBits) {
        StatementPlan.Builder sql = new StatementPlan.Builder().text("DELETE FROM ").text(dmlTarget).text(" WHERE ");
        rowMatch.append(sql, StatementPlan.OLD_TUPLE, shapeBits, unchangedBase(StatementPlan.OLD_TUPLE));
        return sql.build(StatementPlan.Kind.DELETE, shape);
    }

    private int unchangedBase(byte tuple) {
        return SHAPE_FIRST_COLUMN + (tuple == StatementPlan.OLD_TUPLE ? typeName.length : 0);
    }
}
