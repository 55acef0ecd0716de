package io.walferry.engine;

/**
 * What kind of failure an {@link EngineException} reports: the command line maps each kind to one
 * exit code, so the kind must describe what the operator has to fix, not where the code failed.
 */
public enum Failure {
    /** The operator's input is wrong: an option, a connection string, a pattern. Fix the command line. */
    INVALID_INPUT,
    /** The source cannot be reached or refuses the login: host, port, password, database name. */
    CANNOT_CONNECT,
    /**
     * The source is reachable but not set up for logical replication: {@code wal_level}, the
     * REPLICATION privilege, free slots or senders, a missing publication. Fix the server.
     */
    SOURCE_NOT_READY,
    /**
     * The target cannot take what walferry would write: a table missing or different from the
     * source's, a table that is not empty before a full load, a privilege missing. Fix the target
     * (or the options that choose what to write).
     */
    TARGET_NOT_READY,
    /**
     * The pipeline's slot made the source keep more WAL than {@code --max-slot-wal}, and
     * {@code --on-slot-limit} said to stop (or to drop the slot).
     */
    SLOT_LIMIT,
    /** The replication stream broke: a message that cannot be decoded, or the server ended the stream. */
    PROTOCOL
}
