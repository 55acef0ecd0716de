package io.walferry.decoder;

/**
 * Begin ({@code 'B'}): {@code Int64} final LSN of the transaction (its commit record),
 * {@code Int64} commit timestamp, {@code Int32} xid.
 */
public final class BeginMessage extends PgOutputMessage {
    private long finalLsn;
    private long commitTimeMicros;
    private int xid;

    void read(MessageReader reader) {
        finalLsn = reader.readLong("Int64 final LSN");
        commitTimeMicros = reader.readLong("Int64 commit timestamp");
        xid = reader.readInt("Int32 xid");
    }

    @Override
    public MessageType type() {
        return MessageType.BEGIN;
    }

    /** LSN of the transaction's commit record. */
    public long finalLsn() {
        return finalLsn;
    }

    /** Commit time, microseconds since 2000-01-01 UTC ({@link PgTime}). */
    public long commitTimeMicros() {
        return commitTimeMicros;
    }

    public long xid() {
        return unsignedXid(xid);
    }
}
