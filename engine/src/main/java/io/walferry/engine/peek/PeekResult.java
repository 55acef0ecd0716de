package io.walferry.engine.peek;

/**
 * How a peek ended.
 *
 * @param messagesPrinted messages written to the output
 * @param highestLsn      highest XLogData LSN of the messages printed (Relation and Type messages
 *                        come with 0/0), 0 when none was
 * @param reason          why it stopped
 */
public record PeekResult(long messagesPrinted, long highestLsn, StopReason reason) {
    /** Why a peek stopped without an error. */
    public enum StopReason {
        /** {@code --limit} messages were printed. */
        LIMIT_REACHED,
        /** A stop was requested (Ctrl-C, SIGTERM). */
        STOP_REQUESTED,
        /** The output was closed (for example the reading end of a pipe exited). */
        OUTPUT_CLOSED
    }
}
