package io.walferry.engine.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The last failure of a pipeline's {@code walferry replicate}, kept in the target for
 * {@code walferry status}, one row per pipeline:
 * <pre>
 * CREATE TABLE walferry.last_error (
 *     pipeline  text        PRIMARY KEY,  -- the pipeline's name
 *     failed_at timestamptz NOT NULL,     -- when (the target's clock, as apply_progress.applied_at)
 *     error     text        NOT NULL,     -- its kind: the exit code's name, target_error
 *     exit_code int         NOT NULL,     -- the exit code it maps to, 6
 *     restarted boolean     NOT NULL,     -- whether walferry restarted the pipeline, or stopped
 *     message   text        NOT NULL)     -- the one-paragraph message walferry printed
 * </pre>
 * Created with the schema {@code walferry} when missing, as the other state tables are. A new
 * failure replaces the row; a run that goes well leaves it, with its time, so that
 * {@code status} can show the last thing that went wrong.
 *
 * @param failedAt  when, as the target prints a {@code timestamptz}
 * @param error     the kind, the exit code's name
 * @param exitCode  the exit code
 * @param restarted whether walferry restarted the pipeline after it (a failure that heals)
 * @param message   what walferry printed
 */
public record LastError(String failedAt, String error, int exitCode, boolean restarted, String message) {
    /** The table, schema-qualified. */
    public static final String TABLE = "walferry.last_error";
    private static final String EXISTS = "SELECT pg_catalog.to_regclass('" + TABLE + "') IS NOT NULL";

    /** Records a failure of {@code pipeline}, replacing the one before; in auto-commit or the caller's transaction. */
    public static void record(Connection target, String pipeline, String error, int exitCode, boolean restarted,
                              String message) throws SQLException {
        if (!exists(target)) {
            try (Statement statement = target.createStatement()) {
                // Only when missing: CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege first.
                statement.execute("CREATE SCHEMA IF NOT EXISTS walferry");
                statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (pipeline text PRIMARY KEY,"
                        + " failed_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(), error text NOT NULL,"
                        + " exit_code int NOT NULL, restarted boolean NOT NULL, message text NOT NULL)");
            }
        }
        try (PreparedStatement upsert = target.prepareStatement("INSERT INTO " + TABLE + " (pipeline, error, exit_code,"
                + " restarted, message) VALUES (?, ?, ?, ?, ?) ON CONFLICT (pipeline) DO UPDATE SET"
                + " failed_at = pg_catalog.clock_timestamp(), error = EXCLUDED.error, exit_code = EXCLUDED.exit_code,"
                + " restarted = EXCLUDED.restarted, message = EXCLUDED.message")) {
            upsert.setString(1, pipeline);
            upsert.setString(2, error);
            upsert.setInt(3, exitCode);
            upsert.setBoolean(4, restarted);
            upsert.setString(5, message);
            upsert.executeUpdate();
        }
    }

    /** The pipeline's last failure, or {@code null} when none is recorded. Reads only. */
    public static LastError read(Connection target, String pipeline) throws SQLException {
        if (!exists(target)) {
            return null;
        }
        try (PreparedStatement query = target.prepareStatement("SELECT failed_at::text, error, exit_code, restarted,"
                + " message FROM " + TABLE + " WHERE pipeline = ?")) {
            query.setString(1, pipeline);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? new LastError(row.getString(1), row.getString(2), row.getInt(3), row.getBoolean(4),
                        row.getString(5)) : null;
            }
        }
    }

    /** Deletes the pipeline's row, in the caller's transaction; returns how many went (a missing table: none). */
    public static int remove(Connection target, String pipeline) throws SQLException {
        if (!exists(target)) {
            return 0;
        }
        try (PreparedStatement delete = target.prepareStatement("DELETE FROM " + TABLE + " WHERE pipeline = ?")) {
            delete.setString(1, pipeline);
            return delete.executeUpdate();
        }
    }

    private static boolean exists(Connection target) throws SQLException {
        try (Statement statement = target.createStatement(); ResultSet exists = statement.executeQuery(EXISTS)) {
            exists.next();
            return exists.getBoolean(1);
        }
    }
}
