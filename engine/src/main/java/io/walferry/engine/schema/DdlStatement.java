package io.walferry.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * One statement of the schema copy, with what it creates, so that the loader can run statements as
 * parallel jobs, report progress by kind, and name the object when the target refuses one.
 *
 * @param kind       what the statement creates or changes
 * @param objectName the object, quoted as in SQL: {@code "public"."orders_pkey"}, or
 *                   {@code "public"."orders"."total"} for a column comment
 * @param table      the table the object belongs to, or null for schemas, extensions, types and
 *                   sequences
 * @param sql        the statement (occasionally two, separated by {@code ;}, that must run together)
 */
public record DdlStatement(DdlKind kind, String objectName, QualifiedName table, String sql) {

    public DdlStatement {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(objectName, "objectName");
        Objects.requireNonNull(sql, "sql");
    }

    /** {@code primary key "public"."orders_pkey" on table "public"."orders"}. */
    public String describe() {
        String what = kind.noun() + " " + objectName;
        return table == null || objectName.startsWith(table.quoted()) ? what : what + " on table " + table;
    }

    /**
     * Runs the statement on {@code target}.
     *
     * @throws SQLException carrying the server's SQLSTATE, with a message that names the object and
     *         the statement, so that the operator sees which part of the schema the target refused
     */
    public void execute(Connection target) throws SQLException {
        try (Statement statement = target.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException("the target refused the " + describe() + ": " + e.getMessage()
                    + " (statement: " + sql + "); create this object on the target by hand and load with --schema existing",
                    e.getSQLState(), e);
        }
    }

    @Override
    public String toString() {
        return describe() + ": " + sql;
    }
}
