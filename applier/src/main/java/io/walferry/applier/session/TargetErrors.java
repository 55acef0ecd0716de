package io.walferry.applier.session;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Renders an error from the target for an {@link io.walferry.applier.ApplyException} message: on one
 * line, the server's own words with its detail and hint, and for the errors an operator fixes on the
 * target (a table or column missing, a privilege not granted), what to do.
 */
final class TargetErrors {
    private TargetErrors() {
    }

    /** {@code ERROR: duplicate key value violates unique constraint "t_pkey" (Key (id)=(7) already exists.)}. */
    static String describe(SQLException error) {
        ServerErrorMessage server = error instanceof PSQLException ? ((PSQLException) error).getServerErrorMessage() : null;
        if (server == null || server.getMessage() == null) {
            return String.valueOf(error.getMessage()).replace('\n', ' ');
        }
        StringBuilder text = new StringBuilder();
        text.append(server.getSeverity() == null ? "ERROR" : server.getSeverity()).append(": ").append(server.getMessage());
        if (server.getDetail() != null) {
            text.append(" (").append(server.getDetail()).append(')');
        }
        if (server.getHint() != null) {
            text.append(" Hint: ").append(server.getHint());
        }
        return text.toString().replace('\n', ' ');
    }

    /** What to do about {@code error} on {@code table}, starting with "; ", or "" when the server's words say it. */
    static String fix(SQLException error, String table) {
        String state = error.getSQLState();
        if ("42P01".equals(state)) {
            return "; table " + table + " does not exist on the target: create it there with the source's definition"
                    + " (pg_dump --schema-only --table=" + table + "), or leave it out of the publication";
        }
        if ("42703".equals(state)) {
            return "; a column of " + table + " sent by the source does not exist on the target: add it there";
        }
        if ("42501".equals(state)) {
            return "; grant the target user SELECT, INSERT, UPDATE, DELETE and TRUNCATE on " + table;
        }
        return "";
    }
}
