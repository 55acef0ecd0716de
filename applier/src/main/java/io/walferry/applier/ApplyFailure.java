package io.walferry.applier;

import java.sql.SQLException;

/**
 * What kind of failure an {@link ApplyException} reports, so that the pipeline can decide between
 * reconnecting and stopping: only {@link #TRANSIENT} heals by itself.
 */
public enum ApplyFailure {
    /**
     * The target went away or asked to retry: connection lost, server shut down or restarting, too
     * many connections, a deadlock or serialization failure. Reconnect with backoff and call
     * {@code open} again; the recorded progress says where to resume.
     */
    TRANSIENT,
    /**
     * The target is not set up for what the source sends: a table, column or type missing, or a
     * privilege not granted. Fix the target's schema or grants.
     */
    TARGET_NOT_READY,
    /**
     * The target's data differs from the source's: a row to update or delete is missing, or a
     * constraint rejects a row the source accepted.
     */
    TARGET_DIVERGED,
    /** Any other error the target raised while applying a change. */
    TARGET_ERROR,
    /**
     * The stream carries something this applier does not apply: binary tuple data, two-phase
     * messages, or messages out of their protocol order. Fix how the stream is started.
     */
    UNSUPPORTED_STREAM;

    /** Classifies an error from the target by its SQLSTATE. */
    public static ApplyFailure of(SQLException error) {
        String state = error.getSQLState();
        if (state == null || state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
                || state.equals("40001") || state.equals("40P01")) {
            return TRANSIENT;
        }
        switch (state) {
            case "42P01": // undefined_table
            case "42703": // undefined_column
            case "42704": // undefined_object (a type)
            case "42883": // undefined_function
            case "3F000": // invalid_schema_name
            case "42501": // insufficient_privilege
            case "3D000": // invalid_catalog_name: no such database
                return TARGET_NOT_READY;
            default:
                if (state.startsWith("28")) { // invalid_authorization_specification
                    return TARGET_NOT_READY;
                }
                return state.startsWith("23") ? TARGET_DIVERGED : TARGET_ERROR;
        }
    }

    /** True when reconnecting and resuming from the recorded progress can heal the failure. */
    public boolean transientFailure() {
        return this == TRANSIENT;
    }
}
