package io.walferry.applier.session;

import io.walferry.decoder.Lsn;

/**
 * Which source transaction a target session is applying, for progress and for error messages:
 * {@code source transaction 1234 (commit LSN 0/16B3748)}, or for a streamed one whose commit has not
 * arrived yet, {@code streamed source transaction 1234 (not committed yet)}. Mutable, reused.
 */
public final class SourceTransaction {
    private long xid;
    private long commitLsn;
    private boolean streamed;

    /** An ordinary transaction: its commit LSN is known from BEGIN. */
    public void ordinary(long xid, long commitLsn) {
        this.xid = xid;
        this.commitLsn = commitLsn;
        this.streamed = false;
    }

    /** A streamed transaction: its commit LSN is known only at Stream Commit. */
    public void streamed(long xid) {
        this.xid = xid;
        this.commitLsn = Lsn.INVALID;
        this.streamed = true;
    }

    /** The commit LSN, once a streamed transaction's Stream Commit arrived. */
    public void committedAt(long commitLsn) {
        this.commitLsn = commitLsn;
    }

    public long xid() {
        return xid;
    }

    public long commitLsn() {
        return commitLsn;
    }

    /** For messages: {@code source transaction 1234 (commit LSN 0/16B3748)}. */
    public String describe() {
        String kind = streamed ? "streamed source transaction " : "source transaction ";
        return kind + xid + (commitLsn == Lsn.INVALID ? " (not committed yet)" : " (commit LSN " + Lsn.format(commitLsn) + ")");
    }

    @Override
    public String toString() {
        return describe();
    }
}
