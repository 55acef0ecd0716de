package io.walferry.decoder.display;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Binary array format: {@code Int32} dimensions, {@code Int32} has-nulls flag, {@code Int32}
 * element type OID, per dimension {@code Int32} size and {@code Int32} lower bound, then per
 * element {@code Int32} length (-1 for NULL) and bytes. Rendered like {@code array_out}:
 * {@code {1,2,NULL}}, {@code {{a,b},{c,"d e"}}}.
 */
final class ArrayFormatter {
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    private ArrayFormatter() {
    }

    static boolean append(DirectBuffer b, int off, int len, int typeOid, StringBuilder out) {
        if (len < 12) {
            return false;
        }
        int dimensions = b.getInt(off, BE);
        int elementType = b.getInt(off + 8, BE);
        if (dimensions < 0 || dimensions > 6 || len < 12 + 8 * dimensions || elementType == 0) {
            return false;
        }
        if (dimensions == 0) {
            return len == 12 && out.append("{}") != null;
        }
        int[] sizes = new int[dimensions];
        boolean lowerBoundsDefault = true;
        StringBuilder bounds = new StringBuilder();
        for (int d = 0; d < dimensions; d++) {
            sizes[d] = b.getInt(off + 12 + 8 * d, BE);
            int lower = b.getInt(off + 16 + 8 * d, BE);
            if (sizes[d] < 0) {
                return false;
            }
            lowerBoundsDefault &= lower == 1;
            bounds.append('[').append(lower).append(':').append(lower + sizes[d] - 1).append(']');
        }
        if (!lowerBoundsDefault) {
            out.append(bounds).append('=');
        }
        int[] cursor = {off + 12 + 8 * dimensions};
        if (!appendDimension(b, off + len, elementType, sizes, 0, cursor, out)) {
            return false;
        }
        return cursor[0] == off + len;
    }

    private static boolean appendDimension(DirectBuffer b, int end, int elementType, int[] sizes, int dimension,
                                           int[] cursor, StringBuilder out) {
        out.append('{');
        for (int i = 0; i < sizes[dimension]; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (dimension + 1 < sizes.length) {
                if (!appendDimension(b, end, elementType, sizes, dimension + 1, cursor, out)) {
                    return false;
                }
                continue;
            }
            if (cursor[0] + 4 > end) {
                return false;
            }
            int length = b.getInt(cursor[0], BE);
            cursor[0] += 4;
            if (length == -1) {
                out.append("NULL");
                continue;
            }
            if (length < 0 || cursor[0] + length > end) {
                return false;
            }
            StringBuilder element = new StringBuilder();
            if (!ValueFormatter.appendBinary(b, cursor[0], length, elementType, element)) {
                return false;
            }
            cursor[0] += length;
            appendElement(element, out);
        }
        out.append('}');
        return true;
    }

    private static void appendElement(CharSequence element, StringBuilder out) {
        boolean quote = element.length() == 0 || "NULL".contentEquals(element.toString().toUpperCase());
        for (int i = 0; i < element.length() && !quote; i++) {
            char c = element.charAt(i);
            quote = c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || Character.isWhitespace(c);
        }
        if (!quote) {
            out.append(element);
            return;
        }
        out.append('"');
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
