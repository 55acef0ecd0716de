package io.walferry.decoder;

/**
 * Origin ({@code 'O'}): {@code Int64} commit LSN on the origin server, {@code String} origin name.
 * Sent after Begin (or the first Stream Start) for transactions that were replayed from a
 * replication origin.
 */
public final class OriginMessage extends PgOutputMessage {
    private long originLsn;
    private int nameOffset;
    private int nameLength;

    void read(MessageReader reader) {
        originLsn = reader.readLong("Int64 origin commit LSN");
        nameOffset = reader.position();
        nameLength = reader.skipCString("String origin name");
    }

    @Override
    public MessageType type() {
        return MessageType.ORIGIN;
    }

    public long originLsn() {
        return originLsn;
    }

    /** The origin's name (allocates). */
    public String originName() {
        return TupleData.utf8(buffer(), nameOffset, nameLength);
    }
}
