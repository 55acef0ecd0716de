package io.walferry.applier.batch;

import java.sql.SQLException;

/**
 * A set-wise apply failed in a way that applying the same changes statement by statement in source
 * order, on one session, can avoid: a unique or exclusion violation, a lock wait given up or a
 * deadlock (between two lanes of one batch), or a delete or update that did not touch exactly its
 * rows (which the exact path then names, if a row really is missing).
 */
final class OrderingFailure extends Exception {
    OrderingFailure(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** Whether {@code error} is one the order of changes can cause. */
    static boolean causedBy(SQLException error) {
        String state = error.getSQLState();
        return "23505".equals(state) || "23P01".equals(state) || "55P03".equals(state) || "40P01".equals(state)
                || "40001".equals(state);
    }

    /** The error's message with its SQLSTATE. */
    static String describe(SQLException error) {
        String state = error.getSQLState();
        return error.getMessage() + (state == null ? "" : " (SQLSTATE " + state + ")");
    }
}
