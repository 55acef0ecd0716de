package io.walferry.engine.peek;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds pgoutput messages byte by byte, big-endian, as the protocol documentation lays them out. */
final class PgOutputBytes {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    private PgOutputBytes() {
    }

    static PgOutputBytes message(char type) {
        return new PgOutputBytes().int8(type);
    }

    PgOutputBytes int8(int value) {
        return write(() -> out.writeByte(value));
    }

    PgOutputBytes int16(int value) {
        return write(() -> out.writeShort(value));
    }

    PgOutputBytes int32(int value) {
        return write(() -> out.writeInt(value));
    }

    PgOutputBytes int64(long value) {
        return write(() -> out.writeLong(value));
    }

    /** A NUL-terminated UTF-8 string. */
    PgOutputBytes string(String value) {
        return raw(value.getBytes(StandardCharsets.UTF_8)).int8(0);
    }

    PgOutputBytes raw(byte[] value) {
        return write(() -> out.write(value));
    }

    /** TupleData column: a text value. */
    PgOutputBytes text(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return int8('t').int32(utf8.length).raw(utf8);
    }

    /** TupleData column: a binary value. */
    PgOutputBytes binary(byte... value) {
        return int8('b').int32(value.length).raw(value);
    }

    /** TupleData column: NULL. */
    PgOutputBytes nullValue() {
        return int8('n');
    }

    /** TupleData column: an unchanged TOAST value. */
    PgOutputBytes unchangedToast() {
        return int8('u');
    }

    /** A relation column: flags, name, type OID, type modifier. */
    PgOutputBytes column(boolean key, String name, int typeOid, int typeModifier) {
        return int8(key ? 1 : 0).string(name).int32(typeOid).int32(typeModifier);
    }

    byte[] toArray() {
        return bytes.toByteArray();
    }

    private PgOutputBytes write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
