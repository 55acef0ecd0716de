package io.walferry.engine.metrics;

import java.util.List;

/**
 * What {@code /status} and {@code /health} report: one consistent-enough snapshot of a run, taken
 * from {@link PipelineMetrics#status()} when asked. No connection string, no password: only the
 * pipeline's name, positions, counts and the last error message.
 *
 * @param pipeline            the pipeline's name
 * @param phase               where the run stands
 * @param healthy             the pipeline runs and its applier is alive (or the load runs)
 * @param healthReason        why not healthy, or what it is doing when healthy
 * @param confirmedLsn        the LSN last confirmed to the source's slot, 0 before streaming
 * @param sourceLsn           the source's WAL position last seen on the stream, 0 before streaming
 * @param lagBytes            {@code sourceLsn - confirmedLsn}, 0 when not behind
 * @param lagSeconds          how long the oldest transaction not yet confirmed has waited since its
 *                            commit on the source, 0 when none waits
 * @param changesApplied      row changes committed on the target by this process, every table
 * @param transactionsApplied source transactions committed on the target by this process
 * @param reconnects          source reconnects plus pipeline restarts after a target failure
 * @param lastError           the last error this process recovered from or stopped on, or null
 * @param lastErrorAtMillis   when it happened (Unix milliseconds), 0 without one
 * @param uptimeSeconds       since the command started
 * @param load                the full load of this run, or null when it ran none
 */
public record PipelineStatus(String pipeline, PipelinePhase phase, boolean healthy, String healthReason,
                             long confirmedLsn, long sourceLsn, long lagBytes, double lagSeconds,
                             long changesApplied, long transactionsApplied, long reconnects, String lastError,
                             long lastErrorAtMillis, double uptimeSeconds, Load load) {

    /**
     * The full load.
     *
     * @param phase        the load's phase as recorded on the target: schema, data, post-data, done
     * @param tablesTotal  tables the load copies
     * @param tablesCopied tables copied, by this run or an earlier one
     * @param tables       the tables this run copies, with their progress
     */
    public record Load(String phase, int tablesTotal, int tablesCopied, List<Table> tables) {
    }

    /**
     * One table of the load.
     *
     * @param table         {@code schema.table}
     * @param rows          rows copied so far
     * @param bytes         bytes of COPY data copied so far
     * @param estimatedRows the planner's estimate of its rows, -1 when unknown
     * @param done          whether its copy is committed
     */
    public record Table(String table, long rows, long bytes, long estimatedRows, boolean done) {
    }
}
