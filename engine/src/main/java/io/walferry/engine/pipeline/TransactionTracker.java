package io.walferry.engine.pipeline;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import org.agrona.collections.LongHashSet;

/**
 * Where the published stream stands between transactions, as the reader thread sees it: whether a
 * transaction is open (a Begin without its Commit, or a streamed transaction without its Stream
 * Commit or top-level Stream Abort), and the end LSN of the last transaction published. This is what
 * {@link ConfirmedPosition} needs to decide whether the source's WAL end may be confirmed.
 *
 * <p>A transaction with no change in it (PostgreSQL 14 sends Begin/Commit pairs for transactions
 * that touched only unpublished tables) leaves {@link #lastChangedCommitEndLsn()} alone: it has
 * nothing to make durable, so the idle rule need not wait for the handler to record it.
 *
 * <p>Prepared transactions are not requested (no {@code two_phase}); their messages are a protocol
 * error here rather than something to guess about. Reader thread only.
 */
final class TransactionTracker {
    private final LongHashSet openStreamedXids = new LongHashSet();
    private boolean inTransaction;
    private boolean transactionHasChanges;
    private long lastCommitEndLsn;
    private long lastChangedCommitEndLsn;
    private long lastCommitTimeMicros;

    /**
     * Takes in the message {@code decoder} has just decoded.
     *
     * @return whether it ended a transaction (Commit or Stream Commit): then
     *         {@link #lastCommitEndLsn()} and {@link #lastCommitTimeMicros()} describe it
     */
    boolean track(PgOutputDecoder decoder, MessageType type, long lsn) {
        switch (type) {
            case BEGIN:
                if (inTransaction) {
                    throw outOfOrder(type, lsn, "a transaction is already open (expected: COMMIT first)");
                }
                inTransaction = true;
                transactionHasChanges = false;
                return false;
            case COMMIT:
                if (!inTransaction) {
                    throw outOfOrder(type, lsn, "no transaction is open (expected: BEGIN first)");
                }
                inTransaction = false;
                committed(decoder.commit().endLsn(), decoder.commit().commitTimeMicros(), transactionHasChanges);
                return true;
            case INSERT:
            case UPDATE:
            case DELETE:
            case TRUNCATE:
            case MESSAGE:
                transactionHasChanges = true;
                return false;
            case STREAM_START:
                openStreamedXids.add(decoder.streamStart().xid());
                return false;
            case STREAM_COMMIT:
                openStreamedXids.remove(decoder.streamCommit().xid());
                committed(decoder.streamCommit().endLsn(), decoder.streamCommit().commitTimeMicros(), true);
                return true;
            case STREAM_ABORT:
                if (decoder.streamAbort().topLevel()) {
                    openStreamedXids.remove(decoder.streamAbort().xid());
                }
                return false;
            case BEGIN_PREPARE:
            case PREPARE:
            case STREAM_PREPARE:
            case COMMIT_PREPARED:
            case ROLLBACK_PREPARED:
                throw new EngineException(Failure.PROTOCOL, "the source sent a " + type.displayName()
                        + " message at LSN " + Lsn.format(lsn) + ", but walferry streams without two_phase: the slot"
                        + " was created with two-phase decoding by something else; drop it and let walferry create it");
            default:
                return false; // Relation, Type, Origin, Stream Stop: no change to the transaction state
        }
    }

    private void committed(long endLsn, long commitTimeMicros, boolean hadChanges) {
        lastCommitEndLsn = endLsn;
        lastCommitTimeMicros = commitTimeMicros;
        if (hadChanges) {
            lastChangedCommitEndLsn = Lsn.max(lastChangedCommitEndLsn, endLsn);
        }
    }

    private static EngineException outOfOrder(MessageType type, long lsn, String problem) {
        return new EngineException(Failure.PROTOCOL, type.displayName() + " message at LSN " + Lsn.format(lsn)
                + " arrived out of order: " + problem + "; stopping without confirming it");
    }

    /**
     * Forgets the open transactions, for a new stream: the server sends every transaction not yet
     * confirmed again, from its start. The last published commit LSNs are kept, so the idle rule
     * stays as strict as before until the handler has made them durable.
     */
    void resetStream() {
        openStreamedXids.clear();
        inTransaction = false;
        transactionHasChanges = false;
    }

    /** No Begin without its Commit, and no streamed transaction without its end. */
    boolean isBetweenTransactions() {
        return !inTransaction && openStreamedXids.isEmpty();
    }

    /** End LSN of the last Commit or Stream Commit published, 0 before any. */
    long lastCommitEndLsn() {
        return lastCommitEndLsn;
    }

    /** Commit time of the last Commit or Stream Commit published (microseconds since 2000-01-01). */
    long lastCommitTimeMicros() {
        return lastCommitTimeMicros;
    }

    /** The highest end LSN of a published transaction that had changes: what the handler must make durable. */
    long lastChangedCommitEndLsn() {
        return lastChangedCommitEndLsn;
    }

    int openStreamedTransactions() {
        return openStreamedXids.size();
    }
}
