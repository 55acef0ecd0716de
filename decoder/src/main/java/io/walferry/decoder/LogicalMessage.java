package io.walferry.decoder;

/**
 * Message ({@code 'M'}), a logical decoding message from {@code pg_logical_emit_message}:
 * [{@code Int32} xid in a streamed block], {@code Int8} flags (bit 1: transactional),
 * {@code Int64} LSN, {@code String} prefix, {@code Int32} content length, content bytes.
 */
public final class LogicalMessage extends PgOutputMessage {
    /** Flag bit: the message was emitted as part of a transaction. */
    public static final int FLAG_TRANSACTIONAL = 1;

    private int xid;
    private byte flags;
    private long lsn;
    private int prefixOffset;
    private int prefixLength;
    private int contentOffset;
    private int contentLength;

    void read(MessageReader reader, boolean streamed) {
        xid = streamed ? reader.readInt("Int32 xid of the streamed transaction") : 0;
        flags = reader.readByte("Int8 flags");
        lsn = reader.readLong("Int64 message LSN");
        prefixOffset = reader.position();
        prefixLength = reader.skipCString("String prefix");
        int length = reader.readInt("Int32 content length");
        if (length < 0 || length > reader.remaining()) {
            throw reader.malformed("content length " + length + " (expected: 0 to " + reader.remaining()
                    + ", the bytes left in the message)");
        }
        contentOffset = reader.position();
        contentLength = length;
        reader.skip(length, "message content");
    }

    @Override
    public MessageType type() {
        return MessageType.MESSAGE;
    }

    public long xid() {
        return unsignedXid(xid);
    }

    public byte flags() {
        return flags;
    }

    public boolean transactional() {
        return (flags & FLAG_TRANSACTIONAL) != 0;
    }

    public long lsn() {
        return lsn;
    }

    /** The prefix (allocates). */
    public String prefix() {
        return TupleData.utf8(buffer(), prefixOffset, prefixLength);
    }

    public int contentOffset() {
        return contentOffset;
    }

    public int contentLength() {
        return contentLength;
    }

    /** The content bytes as a new array (allocates). */
    public byte[] content() {
        byte[] content = new byte[contentLength];
        buffer().getBytes(contentOffset, content);
        return content;
    }
}
