package io.walferry.decoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;

/** Builds pgoutput messages by hand, big-endian, for unit tests of single fields and errors. */
final class MessageBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static MessageBytes of(char type) {
        return new MessageBytes().int8(type);
    }

    MessageBytes int8(int value) {
        out.write(value);
        return this;
    }

    MessageBytes int16(int value) {
        return int8(value >>> 8).int8(value);
    }

    MessageBytes int32(int value) {
        return int16(value >>> 16).int16(value);
    }

    MessageBytes int64(long value) {
        return int32((int) (value >>> 32)).int32((int) value);
    }

    MessageBytes string(String value) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        return int8(0);
    }

    MessageBytes text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int8('t').int32(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    UnsafeBuffer buffer() {
        return new UnsafeBuffer(bytes());
    }

    /** Relation 16384 public.orders (id int4 key, note text), replica identity default. */
    static MessageBytes ordersRelation() {
        return of('R').int32(16384).string("public").string("orders").int8('d').int16(2)
                .int8(1).string("id").int32(23).int32(-1)
                .int8(0).string("note").int32(25).int32(-1);
    }
}
