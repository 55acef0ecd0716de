package io.walferry.applier.batch;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * Builds the {@code text[]} parameters of the set-wise statements: one column of a row set, in
 * PostgreSQL's binary array format (dimensions, null flag, element type {@code text}, then each
 * value's length and UTF-8 bytes, -1 for NULL), written in one pass into a buffer this instance
 * reuses. pgjdbc's {@code createArrayOf("text", String[])} produced the same bytes through a stream
 * per parameter and was the largest item of the applier thread's profile when it applies a streamed
 * transaction (a quarter of its samples).
 *
 * <p>pgjdbc sends the parameter in binary when it sends {@code text[]} in binary (its default); if a
 * connection turns binary transfer off, it sends {@link Parameter#getValue()}, the same array as a
 * text literal, which is also what a connection in simple query mode gets. One thread; a parameter
 * must be bound before the next one is built.
 */
final class TextArrays {
    private static final int TEXT_OID = 25;
    private static final int HEADER_BYTES = 20;

    private final boolean binary;
    private byte[] buffer = new byte[64 * 1024];
    private int length;

    /**
     * @param binary whether the parameters may go in binary: not on a connection in pgjdbc's simple
     *               query mode ({@code preferQueryMode=simple}, common behind PgBouncer), which sends
     *               parameters inline as text and cannot inline a binary one
     */
    TextArrays(boolean binary) {
        this.binary = binary;
    }

    /** Column {@code column} of {@code rows} as a {@code text[]} parameter, valid until the next call. */
    PGobject column(List<String[]> rows, int column) throws SQLException {
        if (!binary) {
            PGobject literal = new PGobject();
            literal.setType("_text");
            literal.setValue(Parameter.literal(rows, column, 0));
            return literal;
        }
        length = HEADER_BYTES;
        boolean hasNull = false;
        for (String[] row : rows) {
            String value = row[column];
            if (value == null) {
                hasNull = true;
                ensure(4);
                putInt(length, -1);
                length += 4;
            } else {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                ensure(4 + bytes.length);
                putInt(length, bytes.length);
                System.arraycopy(bytes, 0, buffer, length + 4, bytes.length);
                length += 4 + bytes.length;
            }
        }
        putInt(0, 1); // dimensions
        putInt(4, hasNull ? 1 : 0);
        putInt(8, TEXT_OID);
        putInt(12, rows.size()); // elements of the one dimension
        putInt(16, 1); // its lower bound
        return new Parameter(this, rows, column);
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private void putInt(int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }

    /** A built column, for {@code PreparedStatement.setObject}. */
    static final class Parameter extends PGobject implements PGBinaryObject {
        private static final long serialVersionUID = 1L;
        private final transient TextArrays owner;
        private final transient List<String[]> rows;
        private final int column;

        private Parameter(TextArrays owner, List<String[]> rows, int column) throws SQLException {
            this.owner = owner;
            this.rows = rows;
            this.column = column;
            setType("_text");
        }

        @Override
        public int lengthInBytes() {
            return owner.length;
        }

        @Override
        public void toBytes(byte[] bytes, int offset) {
            System.arraycopy(owner.buffer, 0, bytes, offset, owner.length);
        }

        @Override
        public void setByteValue(byte[] value, int offset) {
            throw new UnsupportedOperationException("a parameter only: nothing is read into it");
        }

        /** The array as a text literal: every element double-quoted, backslash and quote escaped. */
        @Override
        public String getValue() {
            return literal(rows, column, owner.length);
        }

        static String literal(List<String[]> rows, int column, int sizeHint) {
            StringBuilder literal = new StringBuilder(sizeHint + 3 * rows.size() + 2).append('{');
            for (int i = 0; i < rows.size(); i++) {
                String value = rows.get(i)[column];
                literal.append(i == 0 ? "" : ",");
                if (value == null) {
                    literal.append("NULL");
                    continue;
                }
                literal.append('"');
                for (int c = 0; c < value.length(); c++) {
                    char ch = value.charAt(c);
                    if (ch == '"' || ch == '\\') {
                        literal.append('\\');
                    }
                    literal.append(ch);
                }
                literal.append('"');
            }
            return literal.append('}').toString();
        }
    }
}
