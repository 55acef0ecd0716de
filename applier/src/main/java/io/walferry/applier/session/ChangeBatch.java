package io.walferry.applier.session;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.applier.sql.StatementPlan;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.display.ExactBinaryTypes;
import io.walferry.engine.metrics.ApplyMetrics;
import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consecutive changes that run the same prepared statement, sent to the target as one JDBC batch
 * (one round trip). Each change must touch exactly one row; the batch checks every row count. The
 * bound values are kept until the batch runs so that a failure can name the row it failed on.
 * Bounded by rows and by characters of values.
 */
final class ChangeBatch {
    private static final Pattern BATCH_ENTRY = Pattern.compile("^Batch entry (\\d+) ");

    private final int maxRows;
    private final long maxChars;
    private final ApplyMetrics metrics;
    private final ArrayList<String> values = new ArrayList<>();
    private final StringBuilder scratch = new StringBuilder(64);
    private StatementPlan plan;
    private PreparedStatement statement;
    private int rows;
    private long chars;

    ChangeBatch(int maxRows, long maxChars, ApplyMetrics metrics) {
        this.maxRows = maxRows;
        this.maxChars = maxChars;
        this.metrics = metrics;
    }

    /** The plan of the changes waiting, or {@code null} when none wait. */
    StatementPlan plan() {
        return rows == 0 ? null : plan;
    }

    boolean full() {
        return rows >= maxRows || chars >= maxChars;
    }

    /**
     * Binds one change's values as text, cast by the statement to the target column's type, and
     * queues it. Binary values are turned into the text their type's output function writes first.
     */
    void add(StatementPlan plan, PreparedStatement statement, TupleData oldTuple, TupleData newTuple) throws SQLException {
        this.plan = plan;
        this.statement = statement;
        int count = plan.parameterCount();
        for (int i = 0; i < count; i++) {
            TupleData tuple = plan.parameterTuple(i) == StatementPlan.OLD_TUPLE ? oldTuple : newTuple;
            int column = plan.parameterColumn(i);
            byte kind = tuple.kind(column);
            if (kind == TupleData.TEXT || kind == TupleData.BINARY) {
                String value = kind == TupleData.TEXT ? tuple.text(column) : binaryAsText(tuple, column, plan, i);
                if (value == null) {
                    statement.clearParameters();
                    values.subList(rows * count, values.size()).clear();
                    throw unreadable(plan, i, kind);
                }
                statement.setObject(i + 1, value, Types.OTHER);
                values.add(value);
                chars += value.length();
            } else if (kind == TupleData.NULL) {
                statement.setNull(i + 1, Types.OTHER);
                values.add(null);
            } else {
                statement.clearParameters();
                values.subList(rows * count, values.size()).clear();
                throw unreadable(plan, i, kind);
            }
        }
        statement.addBatch();
        rows++;
    }

    /**
     * A binary value as the text its type's output function would write, which the statement's cast
     * reads back as the same value ({@link ExactBinaryTypes}); {@code null} when its type is not one
     * whose binary form converts exactly.
     */
    private String binaryAsText(TupleData tuple, int column, StatementPlan plan, int parameter) {
        scratch.setLength(0);
        if (!ExactBinaryTypes.appendText(tuple.buffer(), tuple.valueOffset(column), tuple.valueLength(column),
                plan.parameterTypeOid(parameter), scratch)) {
            return null;
        }
        return scratch.toString();
    }

    private static ApplyException unreadable(StatementPlan plan, int parameter, byte kind) {
        String column = "column " + plan.parameterName(parameter) + " of " + plan.tableName();
        if (kind == TupleData.BINARY) {
            return new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, column + " arrived in binary format"
                    + " (" + plan.describeOperation() + ") with type OID "
                    + Integer.toUnsignedString(plan.parameterTypeOid(parameter)) + ", whose binary form walferry"
                    + " cannot convert exactly (or the bytes are not a value of it): stream this table with"
                    + " text values (the pipeline asks for binary only while every published column has a"
                    + " built-in type it converts exactly)");
        }
        return new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, column + " arrived as a "
                + TupleData.kindName(kind) + " value where " + plan.describeOperation() + " needs its value");
    }

    /**
     * Runs the waiting changes.
     *
     * @throws ApplyException naming the row that failed, or that did not touch exactly one row
     */
    void execute() {
        if (rows == 0) {
            return;
        }
        int[] counts;
        long startedNanos = System.nanoTime();
        try {
            counts = statement.executeBatch();
            metrics.batchExecuted(rows, System.nanoTime() - startedNanos);
        } catch (BatchUpdateException e) {
            SQLException cause = e.getNextException() != null ? e.getNextException() : e;
            throw rowFailed(failedEntry(e), cause);
        } catch (SQLException e) {
            throw rowFailed(rows == 1 ? 0 : -1, e);
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 1) {
                throw wrongCount(i, counts[i]);
            }
        }
        clear();
    }

    /**
     * The batch entry that failed, or -1 when unknown. Inside a transaction pgjdbc reports every entry
     * as failed (the whole batch rolls back), and names the failed one only in its message.
     */
    private int failedEntry(BatchUpdateException error) {
        if (rows == 1) {
            return 0;
        }
        Matcher entry = BATCH_ENTRY.matcher(String.valueOf(error.getMessage()));
        if (entry.find()) {
            int index = Integer.parseInt(entry.group(1));
            return index < rows ? index : -1;
        }
        return -1;
    }

    private ApplyException rowFailed(int row, SQLException cause) {
        String which = row >= 0 ? "with " + describeRow(row)
                : "(one of " + rows + " changes sent together, from " + describeRow(0) + " to " + describeRow(rows - 1) + ")";
        String message = plan.describeOperation() + " " + which + " failed: " + TargetErrors.describe(cause)
                + TargetErrors.fix(cause, plan.tableName());
        clear();
        return new ApplyException(ApplyFailure.of(cause), message, cause);
    }

    private ApplyException wrongCount(int row, int count) {
        String message;
        if (count == 0) {
            message = plan.describeOperation() + " found no row with " + describeRow(row) + " on the target: the target"
                    + " has diverged from the source (the row was changed or removed there by something other than"
                    + " walferry); repair the row on the target or copy the table again";
        } else {
            message = plan.describeOperation() + " matched " + count + " rows with " + describeRow(row) + " on the target,"
                    + " where the source changed one: the key is not unique on the target; create the source's"
                    + " primary key or replica identity index there";
        }
        clear();
        return new ApplyException(ApplyFailure.TARGET_DIVERGED, message);
    }

    private String describeRow(int row) {
        return plan.describeRow(values, row * plan.parameterCount());
    }

    /** Forgets the waiting changes (after a failure or a rollback). */
    void clear() {
        if (statement != null && rows > 0) {
            try {
                statement.clearBatch();
            } catch (SQLException ignored) {
                // The statement's connection failed; the session rolls back or closes it.
            }
        }
        values.clear();
        rows = 0;
        chars = 0;
    }
}
