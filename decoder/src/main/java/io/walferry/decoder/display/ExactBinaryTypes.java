package io.walferry.decoder.display;

import static io.walferry.decoder.display.BuiltinTypes.*;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * The built-in types whose binary send format {@link ValueFormatter} turns into text that the
 * type's input function reads back as exactly the same value, on any PostgreSQL version: a consumer
 * that applies values as text may ask the source for binary values when every published column has
 * one of these types. Arrays of them count too: their binary form embeds the element type's OID,
 * which for built-in types is the same on every server, and {@link #appendText} checks it.
 *
 * <p>Left out on purpose: {@code "char"} (PostgreSQL 14 prints high-bit bytes raw, 15+ as
 * {@code \ooo}), {@code xml} (its send function re-writes the encoding declaration), every type
 * {@link ValueFormatter} does not render (timetz, ranges, geometric, money, bit strings, ...), and
 * every user-defined type (enum, domain, composite, extension types: their OIDs differ between
 * servers, and their binary forms are theirs).
 */
public final class ExactBinaryTypes {
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    /** Array type OID, element type OID, per pair ({@code pg_type.dat}, {@code typarray}). */
    private static final int[] ARRAYS = {
        1000, BOOL, 1001, BYTEA, 1003, NAME, 1016, INT8, 1005, INT2, 1007, INT4, 1009, TEXT, 1028, OID,
        199, JSON, 1021, FLOAT4, 1022, FLOAT8, 1041, INET, 651, CIDR, 1014, BPCHAR, 1015, VARCHAR,
        1182, DATE, 1183, TIME, 1115, TIMESTAMP, 1185, TIMESTAMPTZ, 1187, INTERVAL, 1231, NUMERIC,
        2951, UUID, 3807, JSONB};

    private ExactBinaryTypes() {
    }

    /** Whether a binary value of type {@code typeOid} can be turned into text exactly. */
    public static boolean covers(int typeOid) {
        return isScalar(typeOid) || elementOf(typeOid) != 0;
    }

    private static boolean isScalar(int typeOid) {
        switch (typeOid) {
            case BOOL: case BYTEA: case NAME: case INT8: case INT2: case INT4: case TEXT: case OID: case JSON:
            case FLOAT4: case FLOAT8: case INET: case CIDR: case BPCHAR: case VARCHAR: case DATE: case TIME:
            case TIMESTAMP: case TIMESTAMPTZ: case INTERVAL: case NUMERIC: case UUID: case JSONB:
                return true;
            default:
                return false;
        }
    }

    /** The element type of array type {@code arrayOid} when {@link #covers} it, else 0. */
    static int elementOf(int arrayOid) {
        for (int i = 0; i < ARRAYS.length; i += 2) {
            if (ARRAYS[i] == arrayOid) {
                return ARRAYS[i + 1];
            }
        }
        return 0;
    }

    /**
     * Appends the text form of the binary value {@code buffer[offset, offset + length)} of type
     * {@code typeOid}, as the type's output function would write it (with {@code DateStyle = ISO},
     * {@code IntervalStyle = postgres}, {@code TimeZone = UTC}, {@code bytea_output = hex}).
     *
     * @return false, with {@code out} unchanged, when the type is not covered or the bytes are not a
     *         value of it (an array of another element type, a wrong length)
     */
    public static boolean appendText(DirectBuffer buffer, int offset, int length, int typeOid, StringBuilder out) {
        if (!isScalar(typeOid)) {
            int element = elementOf(typeOid);
            if (element == 0 || length < 12 || buffer.getInt(offset + 8, BE) != element) {
                return false;
            }
        }
        return ValueFormatter.appendBinary(buffer, offset, length, typeOid, out);
    }
}
