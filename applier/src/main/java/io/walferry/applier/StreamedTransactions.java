package io.walferry.applier;

import io.walferry.applier.session.TargetSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.function.Supplier;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The streamed source transactions open at this point of the stream, by top-level xid, each with a
 * target session of its own: pgoutput interleaves blocks of several in-progress transactions, and
 * each must be applied as it arrives (never held in memory) and committed or rolled back on its own.
 * Sessions come from a small pool: as many as transactions are open at once, and up to
 * {@code maxIdle} kept open for the next.
 *
 * <p>Used by the applier thread only.
 */
final class StreamedTransactions implements AutoCloseable {
    private final Long2ObjectHashMap<StreamedTransaction> open = new Long2ObjectHashMap<>();
    private final ArrayDeque<TargetSession> idle = new ArrayDeque<>();
    private final Supplier<TargetSession> sessions;
    private final int maxIdle;

    StreamedTransactions(Supplier<TargetSession> sessions, int maxIdle) {
        this.sessions = sessions;
        this.maxIdle = maxIdle;
    }

    /** Registers the transaction whose first segment starts. */
    StreamedTransaction begin(long xid, boolean mayBeReplay) {
        if (open.containsKey(xid)) {
            throw new ApplyException(ApplyFailure.UNSUPPORTED_STREAM, "STREAM START of the first segment of"
                    + " transaction " + xid + " arrived while that transaction is already open (expected: a"
                    + " later segment, first-segment flag 0)");
        }
        StreamedTransaction transaction = new StreamedTransaction(xid, mayBeReplay);
        open.put(xid, transaction);
        return transaction;
    }

    /** The open transaction {@code xid}, or {@code null}. */
    StreamedTransaction get(long xid) {
        return open.get(xid);
    }

    /** Forgets the transaction {@code xid}; release its session with {@link #release}. */
    StreamedTransaction remove(long xid) {
        return open.remove(xid);
    }

    int openCount() {
        return open.size();
    }

    /** The transaction's session, taken from the pool (or opened) at its first change. */
    TargetSession session(StreamedTransaction transaction) {
        TargetSession session = transaction.session();
        if (session == null) {
            session = idle.isEmpty() ? sessions.get() : idle.pop();
            session.transaction().streamed(transaction.xid());
            transaction.session(session);
        }
        return session;
    }

    /** Rolls back what the transaction's session still holds and returns the session to the pool. */
    void release(StreamedTransaction transaction) {
        TargetSession session = transaction.session();
        transaction.session(null);
        if (session == null) {
            return;
        }
        session.rollback();
        if (session.broken() || idle.size() >= maxIdle) {
            session.close();
        } else {
            idle.push(session);
        }
    }

    /** Rolls back every open transaction and closes every session. */
    @Override
    public void close() {
        for (StreamedTransaction transaction : new ArrayList<>(open.values())) {
            TargetSession session = transaction.session();
            if (session != null) {
                session.close();
            }
        }
        open.clear();
        while (!idle.isEmpty()) {
            idle.pop().close();
        }
    }
}
