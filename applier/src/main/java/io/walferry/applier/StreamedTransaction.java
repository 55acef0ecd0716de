package io.walferry.applier;

import io.walferry.applier.session.TargetSession;

/**
 * A streamed (in-progress) source transaction between its first Stream Start and its Stream
 * Commit or Abort: the target session applying it, opened at its first change.
 *
 * <p>When it began before the applier saw any transaction newer than its recorded progress, it may
 * be one the target already has (a stream restarted from behind the recorded position sends those
 * again, and their commit LSN is known only at the end). A failure of such a transaction is held
 * back ({@link #defer}) and its changes discarded until its Stream Commit tells: a replay is skipped,
 * anything else raises the held failure.
 */
final class StreamedTransaction {
    private final long xid;
    private final boolean mayBeReplay;
    private TargetSession session;
    private ApplyException deferredFailure;

    StreamedTransaction(long xid, boolean mayBeReplay) {
        this.xid = xid;
        this.mayBeReplay = mayBeReplay;
    }

    long xid() {
        return xid;
    }

    boolean mayBeReplay() {
        return mayBeReplay;
    }

    /** The target session, or {@code null} before the first change. */
    TargetSession session() {
        return session;
    }

    void session(TargetSession session) {
        this.session = session;
    }

    /** Holds back a failure until Stream Commit says whether this transaction was a replay. */
    void defer(ApplyException failure) {
        deferredFailure = failure;
    }

    /** The failure held back, or {@code null}; once set, later changes are discarded. */
    ApplyException deferredFailure() {
        return deferredFailure;
    }
}
