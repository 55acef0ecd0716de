package io.walferry.decoder;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Flyweight over a pgoutput TupleData block: {@code Int16} column count, then per column a kind
 * byte and, for text and binary values, an {@code Int32} length and the bytes.
 *
 * <pre>
 *  0               1               2
 *  +---------------+---------------+
 *  |  Int16 ncols                  |
 *  +---------------+---------------+-----------------------------+
 *  | kind 'n' (NULL) | 'u' (unchanged TOAST) | 't'/'b' + Int32 len + bytes | ... ncols times
 *  +-------------------------------------------------------------+
 * </pre>
 *
 * Values stay in the message buffer; this flyweight only records where each one is. It never
 * allocates: its arrays are sized once for PostgreSQL's column limit. Text values are UTF-8 (the
 * server converts them to the replication connection's client encoding).
 */
public final class TupleData {
    /** Kind byte: SQL NULL. */
    public static final byte NULL = 'n';
    /** Kind byte: an unchanged TOASTed value whose contents were not sent; the target keeps its value. */
    public static final byte UNCHANGED_TOAST = 'u';
    /** Kind byte: value in the type's text output format. */
    public static final byte TEXT = 't';
    /** Kind byte: value in the type's binary send format. */
    public static final byte BINARY = 'b';

    /** {@code MaxTupleAttributeNumber}: no tuple has more columns than this. */
    public static final int MAX_COLUMNS = 1664;

    private final byte[] kinds = new byte[MAX_COLUMNS];
    private final int[] offsets = new int[MAX_COLUMNS];
    private final int[] lengths = new int[MAX_COLUMNS];
    private DirectBuffer buffer;
    private int columnCount;

    /** Reads a tuple at the reader's position, checking every length against the message end. */
    void read(MessageReader reader, RelationInfo relation) {
        int count = reader.readShort("Int16 number of columns") & 0xFFFF;
        if (count != relation.columnCount()) {
            throw reader.malformed("tuple has " + count + " columns but relation " + relation.qualifiedName()
                    + " (OID " + Integer.toUnsignedString(relation.relationId()) + ") has "
                    + relation.columnCount() + " (expected: the column count of the last RELATION message)");
        }
        DirectBuffer source = reader.buffer();
        for (int i = 0; i < count; i++) {
            if (reader.remaining() < 1) {
                throw columnError(reader, i, relation, "truncated (expected: column kind byte n, u, t or b; 0 left)");
            }
            byte kind = reader.readByte("column kind byte");
            kinds[i] = kind;
            if (kind == TEXT || kind == BINARY) {
                if (reader.remaining() < 4) {
                    throw columnError(reader, i, relation,
                            "truncated (expected: Int32 value length, 4 bytes; " + reader.remaining() + " left)");
                }
                int length = reader.readInt("Int32 value length");
                if (length < 0 || length > reader.remaining()) {
                    throw columnError(reader, i, relation, "value length " + length + " (expected: 0 to "
                            + reader.remaining() + ", the bytes left in the message)");
                }
                offsets[i] = reader.position();
                lengths[i] = length;
                reader.skip(length, "column value");
            } else if (kind == NULL || kind == UNCHANGED_TOAST) {
                offsets[i] = reader.position();
                lengths[i] = 0;
            } else {
                throw reader.malformedPrevious("column " + (i + 1) + " (" + relation.column(i).name() + ") of "
                        + relation.qualifiedName() + ": unknown column kind byte 0x"
                        + Integer.toHexString(kind & 0xFF) + " (expected: n, u, t or b)");
            }
        }
        this.buffer = source;
        this.columnCount = count;
    }

    private static DecodeException columnError(MessageReader reader, int column, RelationInfo relation, String detail) {
        return reader.malformed("column " + (column + 1) + " (" + relation.column(column).name() + ") of "
                + relation.qualifiedName() + ": " + detail);
    }

    public int columnCount() {
        return columnCount;
    }

    /** The kind byte of column {@code index}: {@link #NULL}, {@link #UNCHANGED_TOAST}, {@link #TEXT} or {@link #BINARY}. */
    public byte kind(int index) {
        return kinds[checkIndex(index)];
    }

    public boolean isNull(int index) {
        return kind(index) == NULL;
    }

    public boolean isUnchangedToast(int index) {
        return kind(index) == UNCHANGED_TOAST;
    }

    public boolean isText(int index) {
        return kind(index) == TEXT;
    }

    public boolean isBinary(int index) {
        return kind(index) == BINARY;
    }

    /** The buffer holding the values. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** Absolute offset in {@link #buffer()} of the value bytes of column {@code index}. */
    public int valueOffset(int index) {
        return offsets[checkIndex(index)];
    }

    /** Length in bytes of the value of column {@code index}; 0 for NULL and unchanged TOAST. */
    public int valueLength(int index) {
        return lengths[checkIndex(index)];
    }

    /** Copies the value bytes of column {@code index} into {@code destination}; returns the count copied. */
    public int copyValue(int index, byte[] destination, int destinationOffset) {
        int length = valueLength(index);
        buffer.getBytes(offsets[index], destination, destinationOffset, length);
        return length;
    }

    /**
     * The text value of column {@code index} as a new String (allocates: for display and tests, not
     * for the apply path). NULL gives {@code null}.
     *
     * @throws IllegalStateException when the column is an unchanged TOAST value or binary
     */
    public String text(int index) {
        byte kind = kind(index);
        if (kind == NULL) {
            return null;
        }
        if (kind != TEXT) {
            throw new IllegalStateException("column " + (index + 1) + " is " + kindName(kind) + ", not a text value");
        }
        return buffer.getStringWithoutLengthUtf8(offsets[index], lengths[index]);
    }

    /** The raw value bytes of column {@code index} as a new array (allocates). */
    public byte[] bytes(int index) {
        byte[] copy = new byte[valueLength(index)];
        copyValue(index, copy, 0);
        return copy;
    }

    /** A short name for a kind byte, for messages: {@code null}, {@code unchanged-toast}, {@code text}, {@code binary}. */
    public static String kindName(byte kind) {
        switch (kind) {
            case NULL:
                return "null";
            case UNCHANGED_TOAST:
                return "unchanged-toast";
            case TEXT:
                return "text";
            case BINARY:
                return "binary";
            default:
                return "0x" + Integer.toHexString(kind & 0xFF);
        }
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= columnCount) {
            throw new IndexOutOfBoundsException("column index: " + index + " (expected: 0 to " + (columnCount - 1) + ")");
        }
        return index;
    }

    static String utf8(DirectBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
