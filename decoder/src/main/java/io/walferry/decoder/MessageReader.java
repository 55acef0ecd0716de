package io.walferry.decoder;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * A bounds-checked cursor over one message. Every read names the field it expects so that a short
 * message fails with a precise {@link DecodeException} instead of an index error. Reused across
 * messages: no allocation unless decoding fails.
 */
final class MessageReader {
    static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    private DirectBuffer buffer;
    private int start;
    private int limit;
    private int position;
    private MessageType type;

    void wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.start = offset;
        this.limit = offset + length;
        this.position = offset;
        this.type = null;
    }

    void type(MessageType type) {
        this.type = type;
    }

    MessageType type() {
        return type;
    }

    DirectBuffer buffer() {
        return buffer;
    }

    /** Absolute position in the buffer. */
    int position() {
        return position;
    }

    /** Offset within the message, for error messages. */
    int relativePosition() {
        return position - start;
    }

    int remaining() {
        return limit - position;
    }

    private void require(int bytes, String field) {
        if (limit - position < bytes) {
            throw truncated(field, bytes);
        }
    }

    DecodeException truncated(String field, int bytes) {
        return new DecodeException(type, relativePosition(),
                "truncated (expected: " + field + ", " + bytes + (bytes == 1 ? " byte" : " bytes") + "; " + remaining() + " left)");
    }

    /** An error about the byte just read. */
    DecodeException malformedPrevious(String detail) {
        return new DecodeException(type, relativePosition() - 1, detail);
    }

    DecodeException malformed(String detail) {
        return new DecodeException(type, relativePosition(), detail);
    }

    byte readByte(String field) {
        require(1, field);
        return buffer.getByte(position++);
    }

    short readShort(String field) {
        require(2, field);
        short value = buffer.getShort(position, ORDER);
        position += 2;
        return value;
    }

    int readInt(String field) {
        require(4, field);
        int value = buffer.getInt(position, ORDER);
        position += 4;
        return value;
    }

    long readLong(String field) {
        require(8, field);
        long value = buffer.getLong(position, ORDER);
        position += 8;
        return value;
    }

    /**
     * Skips a NUL-terminated string and returns its length in bytes (without the NUL); the string
     * starts at the position before the call.
     */
    int skipCString(String field) {
        int from = position;
        for (int i = from; i < limit; i++) {
            if (buffer.getByte(i) == 0) {
                position = i + 1;
                return i - from;
            }
        }
        throw malformed("truncated (expected: " + field + ", a NUL-terminated string; "
                + remaining() + " bytes left without a NUL)");
    }

    void skip(int bytes, String field) {
        require(bytes, field);
        position += bytes;
    }

    /** Fails unless the message has been read to its last byte. */
    void requireEnd() {
        if (position != limit) {
            throw malformed("unexpected " + remaining() + " trailing bytes (expected: end of message)");
        }
    }
}
