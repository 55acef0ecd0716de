package io.walferry.engine.pipeline;

import io.walferry.engine.EngineException;
import java.sql.SQLException;

/**
 * Which failures of the source connection heal by reconnecting: the connection broke (SQLSTATE
 * class 08), the server is shutting down, restarting or terminated the walsender (57P01
 * {@code admin_shutdown}, 57P02 {@code crash_shutdown}, 57P03 {@code cannot_connect_now}), it is out
 * of connections (53300), the slot is still held by a walsender that has not exited yet (55006
 * {@code object_in_use}), or the server ended the stream. Everything else (privileges, a missing
 * publication or table, an invalidated slot, an undecodable message) does not, and stops the pipeline.
 */
final class SourceFailures {
    private SourceFailures() {
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamEndedException) {
                return true;
            }
            if (cause instanceof SQLException) {
                return isTransient(((SQLException) cause).getSQLState());
            }
            if (cause instanceof EngineException && cause.getCause() == null) {
                return false;
            }
        }
        return false;
    }

    static boolean isTransient(String sqlState) {
        if (sqlState == null) {
            return false;
        }
        return sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("57P03") || sqlState.equals("53300") || sqlState.equals("55006");
    }

    /**
     * The source ended the replication stream without an error (a walsender that exited cleanly,
     * a server shutting down), or a slot in use when reconnecting: worth another attempt.
     */
    static class StreamEndedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamEndedException(String message) {
            super(message);
        }
    }

    /**
     * Nothing at all arrived from the source for the receive timeout, although the reader asked for
     * a keepalive: the connection is taken for dead (a network that drops packets, a walsender that
     * hangs). Transient: the stream is abandoned and the pipeline reconnects.
     */
    static final class ReceiveTimeoutException extends StreamEndedException {
        private static final long serialVersionUID = 1L;

        ReceiveTimeoutException(String message) {
            super(message);
        }
    }
}
