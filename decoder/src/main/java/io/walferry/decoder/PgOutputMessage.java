package io.walferry.decoder;

import org.agrona.DirectBuffer;

/**
 * Common part of every message flyweight: the raw bytes it was decoded from. Subclasses expose the
 * fields of one message kind; all are reused by {@link PgOutputDecoder} and valid until its next
 * {@code wrap}.
 */
public abstract class PgOutputMessage {
    private DirectBuffer buffer;
    private int offset;
    private int length;

    final void wrapRaw(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    /** The kind of this message. */
    public abstract MessageType type();

    /** The buffer holding the message, type byte included. */
    public final DirectBuffer buffer() {
        return buffer;
    }

    /** Offset of the type byte in {@link #buffer()}. */
    public final int offset() {
        return offset;
    }

    /** Length of the whole message in bytes. */
    public final int length() {
        return length;
    }

    /** Unsigned view of a 32-bit transaction id. */
    static long unsignedXid(int xid) {
        return Integer.toUnsignedLong(xid);
    }
}
