package io.walferry.cli;

/**
 * The exit codes of every walferry command. Scripts may rely on them; they are also listed in
 * {@code docs/peek.md} and {@code docs/check.md}. {@link ExitCodeMapper} is the one place that chooses among them.
 */
public final class ExitCodes {
    /** Success, including a {@code peek} that stopped at its {@code --limit}. */
    public static final int OK = 0;
    /** An internal error: a bug in walferry. The message says so; {@code --verbose} adds the stack trace. */
    public static final int INTERNAL_ERROR = 1;
    /**
     * Usage: an unknown or invalid option, an unparsable connection string, a {@code --tables}
     * pattern that matches nothing, or a {@code --proto-version} above what the source supports.
     */
    public static final int USAGE = 2;
    /** Cannot connect to a server: unreachable host or port, wrong password, missing database, lost connection. */
    public static final int CANNOT_CONNECT = 3;
    /**
     * The source is reachable but not ready: {@code wal_level} not {@code logical}, no REPLICATION
     * privilege, no free replication slot or walsender, a named publication that does not exist,
     * missing privileges to create a publication.
     */
    public static final int SOURCE_NOT_READY = 4;
    /** The replication stream failed: a message that cannot be decoded, or the server ended the stream. */
    public static final int PROTOCOL_ERROR = 5;
    /**
     * The target refused a change or is not set up for it: a table, column or type missing, a row to
     * update or delete missing (the target diverged), a constraint violated, a privilege missing.
     */
    public static final int TARGET_ERROR = 6;
    /**
     * {@code walferry check} ran and found at least one blocker: something that would make the move
     * fail or lose changes (the report names each, with the fix). Distinct from 4 and 6 so that a
     * script can tell "checked, not ready" from "could not check".
     */
    public static final int CHECK_BLOCKED = 7;
    /**
     * {@code replicate --max-slot-wal} with {@code --on-slot-limit stop} or {@code drop}: the slot
     * retained more WAL than allowed, and replication stopped (the slot kept, or dropped).
     */
    public static final int SLOT_LIMIT = 8;

    private ExitCodes() {
    }

    /** The code's name for scripts and records: {@code target_error}; {@code exit_N} for a code not listed here. */
    public static String name(int code) {
        return switch (code) {
            case OK -> "ok";
            case INTERNAL_ERROR -> "internal_error";
            case USAGE -> "usage";
            case CANNOT_CONNECT -> "cannot_connect";
            case SOURCE_NOT_READY -> "source_not_ready";
            case PROTOCOL_ERROR -> "protocol_error";
            case TARGET_ERROR -> "target_error";
            case CHECK_BLOCKED -> "check_blocked";
            case SLOT_LIMIT -> "slot_limit";
            default -> "exit_" + code;
        };
    }
}
