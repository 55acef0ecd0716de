package io.walferry.engine.source;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.sql.SQLException;

/**
 * Turns the SQLExceptions of talking to a source into {@link EngineException}s that say what to
 * fix. The SQLSTATE decides the {@link Failure} kind; pgjdbc's own text is kept (it never contains
 * the password) and a hint is added.
 */
public final class SourceErrors {
    /** {@code invalid_password}. */
    static final String INVALID_PASSWORD = "28P01";
    /** {@code invalid_authorization_specification}: pg_hba.conf rejected the connection. */
    static final String INVALID_AUTHORIZATION = "28000";
    /** {@code invalid_catalog_name}: no such database. */
    static final String INVALID_CATALOG_NAME = "3D000";
    /** pgjdbc's {@code CONNECTION_REJECTED}, used when the server asks for a password none was given for. */
    static final String CONNECTION_REJECTED = "08004";

    private SourceErrors() {
    }

    /** A failure to open a connection to the source ({@link Failure#CANNOT_CONNECT}). */
    public static EngineException connectFailed(SQLException e, ConnectionSpec spec) {
        return connectFailed(e, spec, "source");
    }

    /**
     * A failure to open a connection to the server playing {@code role} ("source", "target"):
     * what failed, and the fix for that kind of failure ({@link Failure#CANNOT_CONNECT}).
     */
    public static EngineException connectFailed(SQLException e, ConnectionSpec spec, String role) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String what = "cannot connect to the " + role + " at " + spec.describe() + ": " + message(e);
        String hint;
        if (state.equals(INVALID_PASSWORD) || (state.equals(CONNECTION_REJECTED) && spec.passwordSource() == PasswordSource.NONE)) {
            hint = "check the password of user \"" + spec.user() + "\"; the password came from "
                    + spec.passwordSource().description()
                    + " (give it in the URL, in PGPASSWORD, or in ~/.pgpass with mode 0600)";
        } else if (state.equals(INVALID_CATALOG_NAME)) {
            hint = "check the database name, or create the database";
        } else if (state.equals(INVALID_AUTHORIZATION)) {
            hint = "the server's pg_hba.conf has no line that lets user \"" + spec.user() + "\" connect to database \""
                    + spec.database() + "\" from this host: add one and reload the server";
        } else if (state.startsWith("08")) {
            hint = "check the host and port, that the server is running and accepts TCP connections from this"
                    + " machine (listen_addresses, firewall), and the sslmode (" + spec.sslMode().keyword() + ")";
        } else {
            hint = "check the " + role + " connection settings";
        }
        return new EngineException(Failure.CANNOT_CONNECT, what + ". " + capitalize(hint) + ".", e);
    }

    /**
     * A failure while using an open connection: {@code doing} says what walferry was doing
     * ("creating replication slot walferry_peek_1_ab"), {@code hint} what to do, or {@code null}.
     */
    public static EngineException failed(SQLException e, String doing, String hint) {
        return new EngineException(classify(e), doing + " failed: " + message(e)
                + (hint == null ? "" : ". " + capitalize(hint)) + ".", e);
    }

    /**
     * The failure kind of an error on an open connection: a lost connection cannot connect; missing
     * privileges, objects, settings or capacity mean the source is not ready; the rest are protocol
     * errors.
     */
    public static Failure classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08")) {
            return Failure.CANNOT_CONNECT;
        }
        if (state.startsWith("42") || state.startsWith("53") || state.startsWith("55") || state.startsWith("28")) {
            return Failure.SOURCE_NOT_READY;
        }
        return Failure.PROTOCOL;
    }

    /**
     * pgjdbc's message, shortened to its first sentence when it goes on with advice of its own (the
     * caller adds walferry's), with the cause of a bare "The connection attempt failed".
     */
    public static String message(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int advice = message.indexOf(". Check that");
        if (advice > 0) {
            message = message.substring(0, advice);
        }
        Throwable cause = e.getCause();
        if (message.startsWith("The connection attempt failed") && cause != null && !(cause instanceof SQLException)) {
            message = message + " (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
        }
        while (message.endsWith(".")) {
            message = message.substring(0, message.length() - 1);
        }
        return message;
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
