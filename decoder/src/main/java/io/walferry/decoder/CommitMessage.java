package io.walferry.decoder;

/**
 * Commit ({@code 'C'}): {@code Int8} flags (unused, 0), {@code Int64} commit LSN, {@code Int64} end
 * LSN of the transaction, {@code Int64} commit timestamp.
 */
public final class CommitMessage extends PgOutputMessage {
    private byte flags;
    private long commitLsn;
    private long endLsn;
    private long commitTimeMicros;

    void read(MessageReader reader) {
        flags = reader.readByte("Int8 flags");
        commitLsn = reader.readLong("Int64 commit LSN");
        endLsn = reader.readLong("Int64 end LSN");
        commitTimeMicros = reader.readLong("Int64 commit timestamp");
    }

    @Override
    public MessageType type() {
        return MessageType.COMMIT;
    }

    public byte flags() {
        return flags;
    }

    /** LSN of the commit record. */
    public long commitLsn() {
        return commitLsn;
    }

    /** LSN just past the commit record: the position to confirm once this transaction is durable downstream. */
    public long endLsn() {
        return endLsn;
    }

    public long commitTimeMicros() {
        return commitTimeMicros;
    }
}
