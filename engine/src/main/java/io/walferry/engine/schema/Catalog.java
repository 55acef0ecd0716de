package io.walferry.engine.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Catalog queries on one connection, with {@code search_path} pinned to {@code pg_catalog} for as
 * long as it is open: then {@code format_type}, {@code pg_get_expr}, {@code pg_get_constraintdef} and
 * {@code pg_get_indexdef} qualify every user object with its schema, so the text they print means
 * the same on the target whatever its search path. Closing restores the caller's search path.
 */
final class Catalog implements AutoCloseable {
    private final Connection connection;
    private final String savedSearchPath;
    private final int versionNum;

    /** Reads one row of a query's result. */
    interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private Catalog(Connection connection, String savedSearchPath, int versionNum) {
        this.connection = connection;
        this.savedSearchPath = savedSearchPath;
        this.versionNum = versionNum;
    }

    static Catalog open(Connection connection) throws SQLException {
        String saved;
        int versionNum;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_catalog.current_setting('search_path'),"
                     + " pg_catalog.current_setting('server_version_num')::int")) {
            row.next();
            saved = row.getString(1);
            versionNum = row.getInt(2);
        }
        setSearchPath(connection, "pg_catalog");
        return new Catalog(connection, saved, versionNum);
    }

    /** {@code server_version_num}. */
    int versionNum() {
        return versionNum;
    }

    /** Runs {@code sql} with {@code parameters} bound as text (cast them in the SQL) and reads every row. */
    void query(String sql, RowReader reader, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        }
    }

    @Override
    public void close() throws SQLException {
        setSearchPath(connection, savedSearchPath);
    }

    private static void setSearchPath(Connection connection, String searchPath) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_catalog.set_config('search_path', ?, false)")) {
            statement.setString(1, searchPath);
            statement.execute();
        }
    }
}
