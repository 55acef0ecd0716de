package io.walferry.decoder;

/**
 * Stream Start ({@code 'S'}, protocol 2+): {@code Int32} xid, {@code Int8} 1 for the first segment
 * of this transaction. Row messages until the matching Stream Stop carry the xid.
 */
public final class StreamStartMessage extends PgOutputMessage {
    private int xid;
    private byte firstSegment;

    void read(MessageReader reader) {
        xid = reader.readInt("Int32 xid");
        firstSegment = reader.readByte("Int8 first-segment flag");
    }

    @Override
    public MessageType type() {
        return MessageType.STREAM_START;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public boolean firstSegment() {
        return firstSegment == 1;
    }
}
