package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;

/**
 * The LSN the reader confirms to the source as flushed and applied: what the slot's
 * {@code confirmed_flush_lsn} becomes, and so the point from which the server resends after a
 * restart and before which it may recycle WAL.
 *
 * <h2>The rule</h2>
 * The confirmed position only moves forward, to the greater of:
 * <ol>
 *   <li>the apply handler's {@link ApplyHandler#durableLsn() durable LSN}: the end LSN of the last
 *       source transaction whose changes (and every earlier transaction's) are committed on the
 *       target; and</li>
 *   <li><b>idle advance:</b> the server's WAL position as last reported on the stream (the
 *       keepalive's {@code walEnd}, or the start LSN of the last XLogData), but only when
 *       <ul>
 *         <li>no transaction is open in the published stream: every Begin has its Commit, and every
 *             streamed transaction has its Stream Commit or top-level Stream Abort; and</li>
 *         <li>the durable LSN is at or past the end LSN of the last published transaction that had
 *             changes.</li>
 *       </ul>
 *       Then everything the server sent before that position is durable or has nothing to apply,
 *       and the server sends every transaction that commits after it in full, so confirming it
 *       loses nothing. Without it an idle source's slot would hold WAL back forever: WAL of
 *       unpublished tables, of other databases, and of checkpoints is never "applied".</li>
 * </ol>
 * After the apply handler fails, or the reader meets a message it cannot read, the position is
 * frozen at the durable LSN: no idle advance past what could not be applied.
 *
 * <p>The server's position from the stream is what pgjdbc's {@code getLastReceiveLSN()} returns
 * (pgjdbc 42.7, {@code V3PGReplicationStream}): after an XLogData it is that message's start LSN;
 * after a keepalive it is the keepalive's {@code walEnd} when that is higher. Since the reader
 * takes the idle advance only between transactions, the last XLogData was then a Commit, Stream
 * Commit or Stream Abort, whose LSN is its transaction's end (or abort) position.
 *
 * <p>Reader thread only.
 */
final class ConfirmedPosition {
    private long confirmed;

    /** Starts from the slot's own {@code confirmed_flush_lsn}: sending less would be ignored, or worse. */
    void seed(long slotConfirmedFlushLsn) {
        confirmed = Lsn.max(confirmed, slotConfirmedFlushLsn);
    }

    /**
     * Applies the rule.
     *
     * @param durableLsn     the handler's durable LSN
     * @param tracker        the published stream's transaction state
     * @param serverPosition the server's position from the stream, 0 when unknown
     * @param frozen         no idle advance (the handler failed, or the stream is unreadable)
     * @return whether the confirmed position moved
     */
    boolean update(long durableLsn, TransactionTracker tracker, long serverPosition, boolean frozen) {
        long next = Lsn.max(confirmed, durableLsn);
        if (!frozen && isIdle(durableLsn, tracker)) {
            next = Lsn.max(next, serverPosition);
        }
        if (next == confirmed) {
            return false;
        }
        confirmed = next;
        return true;
    }

    /** Whether nothing is waiting to be applied: the idle condition of the rule. */
    static boolean isIdle(long durableLsn, TransactionTracker tracker) {
        return tracker.isBetweenTransactions() && Lsn.compare(durableLsn, tracker.lastChangedCommitEndLsn()) >= 0;
    }

    long confirmed() {
        return confirmed;
    }
}
