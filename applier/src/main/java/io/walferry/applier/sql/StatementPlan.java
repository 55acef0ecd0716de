package io.walferry.applier.sql;

import io.walferry.decoder.RelationInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement shape for one relation: the SQL text with a {@code ?} per value, and for each
 * {@code ?} the tuple (old or new) and column its value comes from. A session prepares each plan
 * once and binds a change's values to it. Immutable; built by {@link RelationSql}.
 */
public final class StatementPlan {
    /** The DML a plan runs. */
    public enum Kind {
        INSERT, UPDATE, DELETE
    }

    /** Parameter source: the change's new tuple. */
    public static final byte NEW_TUPLE = 'N';
    /** Parameter source: the change's old tuple (old key, or whole old row). */
    public static final byte OLD_TUPLE = 'O';

    private static final int SHOWN_VALUE_CHARS = 64;

    private final Kind kind;
    private final String tableName;
    private final String sql;
    private final byte[] parameterTuple;
    private final int[] parameterColumn;
    private final int[] parameterTypeOid;
    private final String[] parameterName;
    private final boolean[] identifying;

    private StatementPlan(Kind kind, RelationInfo relation, Builder builder) {
        this.kind = kind;
        this.tableName = relation.qualifiedName();
        this.sql = builder.sql.toString();
        int count = builder.tuples.size();
        this.parameterTuple = new byte[count];
        this.parameterColumn = new int[count];
        this.parameterTypeOid = new int[count];
        this.parameterName = new String[count];
        this.identifying = new boolean[count];
        for (int i = 0; i < count; i++) {
            parameterTuple[i] = builder.tuples.get(i);
            parameterColumn[i] = builder.columns.get(i);
            parameterTypeOid[i] = relation.column(parameterColumn[i]).typeOid();
            parameterName[i] = builder.names.get(i);
            identifying[i] = builder.identifying.get(i);
        }
    }

    public Kind kind() {
        return kind;
    }

    public String sql() {
        return sql;
    }

    /** The source table, {@code schema.name} unquoted, for messages. */
    public String tableName() {
        return tableName;
    }

    public int parameterCount() {
        return parameterTuple.length;
    }

    /** {@link #NEW_TUPLE} or {@link #OLD_TUPLE}: where the value of parameter {@code index} (0-based) comes from. */
    public byte parameterTuple(int index) {
        return parameterTuple[index];
    }

    /** The source column name of parameter {@code index} (0-based), for messages. */
    public String parameterName(int index) {
        return parameterName[index];
    }

    /** The column (index in the relation) whose value parameter {@code index} (0-based) takes. */
    public int parameterColumn(int index) {
        return parameterColumn[index];
    }

    /**
     * The source's type OID of the column of parameter {@code index} (0-based), which says how to read
     * a binary value of it.
     */
    public int parameterTypeOid(int index) {
        return parameterTypeOid[index];
    }

    /** {@code UPDATE of public.orders}, for messages. */
    public String describeOperation() {
        return kind + (kind == Kind.INSERT ? " into " : kind == Kind.UPDATE ? " of " : " from ") + tableName;
    }

    /**
     * The row a change names, for messages: the identifying columns (the key, or the whole old row)
     * and their values, {@code (id, region)=(5, eu)}, long values cut short. {@code values} holds the
     * bound parameter values of the change starting at {@code from}.
     */
    public String describeRow(List<String> values, int from) {
        StringBuilder names = new StringBuilder("(");
        StringBuilder shown = new StringBuilder("(");
        boolean any = false;
        for (int i = 0; i < parameterTuple.length; i++) {
            if (!identifying[i]) {
                continue;
            }
            if (any) {
                names.append(", ");
                shown.append(", ");
            }
            any = true;
            names.append(parameterName[i]);
            appendValue(shown, values.get(from + i));
        }
        return any ? names.append(")=").append(shown).append(')').toString() : "(no key)";
    }

    private static void appendValue(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
        } else if (value.length() <= SHOWN_VALUE_CHARS) {
            out.append(value);
        } else {
            out.append(value, 0, SHOWN_VALUE_CHARS).append("... (").append(value.length()).append(" characters)");
        }
    }

    @Override
    public String toString() {
        return sql;
    }

    /** Writes a plan's SQL and records its parameters in order. */
    static final class Builder {
        private final StringBuilder sql = new StringBuilder(128);
        private final List<Byte> tuples = new ArrayList<>();
        private final List<Integer> columns = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<Boolean> identifying = new ArrayList<>();

        Builder text(String text) {
            sql.append(text);
            return this;
        }

        Builder identifier(String name) {
            SqlIdentifiers.appendQuoted(sql, name);
            return this;
        }

        /** {@code ?::type}: the value travels as text and the target's input function of the column type reads it. */
        Builder parameter(byte tuple, int column, String columnName, String typeName, boolean identifiesRow) {
            sql.append("?::").append(typeName);
            tuples.add(tuple);
            columns.add(column);
            names.add(columnName);
            identifying.add(identifiesRow);
            return this;
        }

        int length() {
            return sql.length();
        }

        StatementPlan build(Kind kind, RelationInfo relation) {
            return new StatementPlan(kind, relation, this);
        }
    }
}
