package io.walferry.engine.pipeline;

/**
 * How a pipeline run ended without an error.
 *
 * @param reason              why it stopped
 * @param confirmedLsn        the last LSN confirmed to the source's slot (flush and apply position)
 * @param durableLsn          the apply handler's durable LSN at the end
 * @param messagesApplied     pgoutput messages the apply handler accepted, of every kind
 * @param changesApplied      row messages among them (Insert, Update, Delete)
 * @param transactionsApplied Commit and Stream Commit messages among them
 * @param reconnects          how often the source connection was re-established
 */
public record PipelineResult(StopReason reason, long confirmedLsn, long durableLsn, long messagesApplied,
                             long changesApplied, long transactionsApplied, int reconnects) {
    /** Why a pipeline stopped without an error. */
    public enum StopReason {
        /** {@link ReplicationPipeline#requestStop()} was called (SIGINT, SIGTERM). */
        STOP_REQUESTED,
        /** {@code --exit-when-caught-up}: everything committed on the source before the start is durable. */
        CAUGHT_UP
    }
}
