package io.walferry.applier.sql;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds pgoutput messages byte by byte (big-endian), for unit tests that need a decoded flyweight. */
final class PgOutputBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static PgOutputBytes message(char type) {
        PgOutputBytes bytes = new PgOutputBytes();
        bytes.out.write(type);
        return bytes;
    }

    PgOutputBytes int8(int value) {
        out.write(value);
        return this;
    }

    PgOutputBytes int16(int value) {
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) value).array());
        return this;
    }

    PgOutputBytes int32(int value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
        return this;
    }

    PgOutputBytes string(String value) {
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return this;
    }

    /** A TupleData block: each value is text, {@code null} for NULL, or {@link #UNCHANGED} for 'u'. */
    PgOutputBytes tuple(String... values) {
        int16(values.length);
        for (String value : values) {
            if (value == null) {
                out.write('n');
            } else if (value.equals(UNCHANGED)) {
                out.write('u');
            } else {
                byte[] text = value.getBytes(StandardCharsets.UTF_8);
                out.write('t');
                int32(text.length);
                out.writeBytes(text);
            }
        }
        return this;
    }

    static final String UNCHANGED = "<unchanged toast>";

    byte[] bytes() {
        return out.toByteArray();
    }
}
