package io.walferry.applier.sql;

import io.walferry.decoder.RelationInfo;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The set-wise statements of the batched apply mode for one relation: each takes one {@code text[]}
 * parameter per column it reads, all of the same length (one element per row), and writes every row
 * in one statement through {@code unnest}:
 * <pre>
 * INSERT INTO s.t (a, b) SELECT v.c0::int4, v.c1::text FROM ROWS FROM (unnest(?::text[]), unnest(?::text[])) AS v(c0, c1)
 * DELETE FROM ONLY s.t AS w USING ROWS FROM (unnest(?::text[])) AS v(c0) WHERE w.a = v.c0::int4
 * UPDATE ONLY s.t AS w SET b = v.c1::text FROM ROWS FROM (unnest(?::text[]), unnest(?::text[])) AS v(c0, c1) WHERE w.a = v.c0::int4
 * </pre>
 * Values are cast from their text form to the target column's type, as the row-by-row statements do
 * ({@link RelationSql}), so every type the target reads from text works. Generated columns are
 * never written; {@code GENERATED ALWAYS} identity columns are inserted with
 * {@code OVERRIDING SYSTEM VALUE} and never updated; key columns are matched, not set. An update
 * shape leaves out the columns its rows carry as unchanged TOAST values, so the target keeps them.
 *
 * <p>Immutable, except a thread-safe cache of update shapes; shared by the lanes.
 */
public final class SetStatements {
    /** An update statement and the columns its parameters take, in order: key columns, then set columns. */
    public record UpdateShape(String sql, int[] columns, int keyCount) {
    }

    private static final String STAGE = "v";
    private static final String TARGET = "w";

    private final String tableName;
    private final String qualified;
    private final String dmlTarget;
    private final String[] names;
    private final String[] typeName;
    private final boolean[] generated;
    private final boolean[] alwaysIdentity;
    private final int[] keyColumns;
    private final int[] insertColumns;
    private final String insertSql;
    private final String deleteSql;
    private final ConcurrentHashMap<BitSet, UpdateShape> updates = new ConcurrentHashMap<>();

    SetStatements(RelationInfo relation, String qualified, String dmlTarget, String[] names, String[] typeName,
                  boolean[] generated, boolean[] alwaysIdentity, boolean[] key) {
        this.tableName = relation.qualifiedName();
        this.qualified = qualified;
        this.dmlTarget = dmlTarget;
        this.names = names.clone();
        this.typeName = typeName.clone();
        this.generated = generated.clone();
        this.alwaysIdentity = alwaysIdentity.clone();
        this.keyColumns = key == null ? null : indexes(key);
        boolean[] written = new boolean[names.length];
        boolean overriding = false;
        for (int i = 0; i < names.length; i++) {
            written[i] = !generated[i];
            overriding |= written[i] && alwaysIdentity[i];
        }
        this.insertColumns = indexes(written);
        this.insertSql = buildInsert(overriding);
        this.deleteSql = keyColumns == null ? null : buildDelete();
    }

    private static int[] indexes(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        int[] indexes = new int[count];
        int next = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                indexes[next++] = i;
            }
        }
        return indexes;
    }

    /** The source table, {@code schema.name} unquoted, for messages. */
    public String tableName() {
        return tableName;
    }

    /** Whether rows are found by a key; {@code false} for a table matched on the whole row (no usable key). */
    public boolean keyed() {
        return keyColumns != null;
    }

    /** The key columns (indexes in the relation), in order; {@code null} when not {@link #keyed()}. */
    public int[] keyColumns() {
        return keyColumns;
    }

    /** The columns {@link #insertSql()} writes, in the order of its parameters. */
    public int[] insertColumns() {
        return insertColumns;
    }

    /** Inserts rows; {@code null} when the table has no column to write (every one generated). */
    public String insertSql() {
        return insertSql;
    }

    /** Deletes the rows whose keys its parameters hold ({@link #keyColumns()}); {@code null} when not {@link #keyed()}. */
    public String deleteSql() {
        return deleteSql;
    }

    /**
     * The update of rows found by their key that sets every writable column except those in
     * {@code unchanged}; {@code null} when that leaves no column to set.
     */
    public UpdateShape update(BitSet unchanged) {
        UpdateShape shape = updates.get(unchanged);
        if (shape == null) {
            BitSet key = (BitSet) unchanged.clone();
            shape = buildUpdate(key);
            updates.putIfAbsent(key, shape == null ? NO_UPDATE : shape);
            return shape;
        }
        return shape == NO_UPDATE ? null : shape;
    }

    private static final UpdateShape NO_UPDATE = new UpdateShape("", new int[0], 0);

    private String buildInsert(boolean overriding) {
        if (insertColumns.length == 0) {
            return null;
        }
        StringBuilder sql = new StringBuilder(128).append("INSERT INTO ").append(qualified).append(" (");
        for (int i = 0; i < insertColumns.length; i++) {
            SqlIdentifiers.appendQuoted(sql.append(i == 0 ? "" : ", "), names[insertColumns[i]]);
        }
        sql.append(overriding ? ") OVERRIDING SYSTEM VALUE SELECT " : ") SELECT ");
        for (int i = 0; i < insertColumns.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(STAGE).append(".c").append(i).append("::")
                    .append(typeName[insertColumns[i]]);
        }
        return appendUnnest(sql.append(" FROM "), insertColumns.length).toString();
    }

    private String buildDelete() {
        StringBuilder sql = new StringBuilder(128).append("DELETE FROM ").append(dmlTarget).append(" AS ").append(TARGET)
                .append(" USING ");
        appendUnnest(sql, keyColumns.length).append(" WHERE ");
        appendKeyMatch(sql);
        return sql.toString();
    }

    private UpdateShape buildUpdate(BitSet unchanged) {
        int[] columns = new int[names.length];
        int count = 0;
        for (int key : keyColumns) {
            columns[count++] = key;
        }
        boolean[] isKey = new boolean[names.length];
        for (int key : keyColumns) {
            isKey[key] = true;
        }
        StringBuilder set = new StringBuilder(128);
        for (int i = 0; i < names.length; i++) {
            if (isKey[i] || generated[i] || alwaysIdentity[i] || unchanged.get(i)) {
                continue;
            }
            SqlIdentifiers.appendQuoted(set.append(count == keyColumns.length ? "" : ", "), names[i]);
            set.append(" = ").append(STAGE).append(".c").append(count).append("::").append(typeName[i]);
            columns[count++] = i;
        }
        if (count == keyColumns.length) {
            return null;
        }
        StringBuilder sql = new StringBuilder(128).append("UPDATE ").append(dmlTarget).append(" AS ").append(TARGET)
                .append(" SET ").append(set).append(" FROM ");
        appendUnnest(sql, count).append(" WHERE ");
        appendKeyMatch(sql);
        return new UpdateShape(sql.toString(), java.util.Arrays.copyOf(columns, count), keyColumns.length);
    }

    private void appendKeyMatch(StringBuilder sql) {
        for (int i = 0; i < keyColumns.length; i++) {
            sql.append(i == 0 ? "" : " AND ").append(TARGET).append('.');
            SqlIdentifiers.appendQuoted(sql, names[keyColumns[i]]);
            sql.append(" = ").append(STAGE).append(".c").append(i).append("::").append(typeName[keyColumns[i]]);
        }
    }

    private static StringBuilder appendUnnest(StringBuilder sql, int arrays) {
        sql.append("ROWS FROM (");
        for (int i = 0; i < arrays; i++) {
            sql.append(i == 0 ? "" : ", ").append("pg_catalog.unnest(?::text[])");
        }
        sql.append(") AS ").append(STAGE).append('(');
        for (int i = 0; i < arrays; i++) {
            sql.append(i == 0 ? "c" : ", c").append(i);
        }
        return sql.append(')');
    }

    @Override
    public String toString() {
        return insertSql;
    }
}
