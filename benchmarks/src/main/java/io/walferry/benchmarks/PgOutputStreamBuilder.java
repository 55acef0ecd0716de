package io.walferry.benchmarks;

import io.walferry.decoder.ColumnInfo;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes pgoutput messages, big-endian, back to back into one buffer and indexes each one, the way
 * a walsender streams them: Relation messages first, then transactions of Begin, row changes and
 * Commit. For fixtures and benchmarks: it checks the structure it is asked to write (column counts,
 * message nesting) but allocates freely.
 *
 * <pre>{@code
 * PgOutputStreamBuilder out = new PgOutputStreamBuilder();
 * out.relation(16396, "public", "pgbench_accounts", RelationInfo.IDENTITY_DEFAULT, columns);
 * out.begin(751, commitTimeMicros);
 * out.update(16396, 4).text("4711").text("1").text("-2380").text(filler).end();
 * out.commit();
 * PgOutputStream stream = out.build();
 * }</pre>
 *
 * <p>LSNs are simulated: every message advances a WAL position by an 8-byte aligned record size, a
 * Begin carries the LSN of its Commit (patched when the Commit is written), and each Commit's end LSN
 * is past its commit record, so that the stream's positions are consistent and increasing.
 */
public final class PgOutputStreamBuilder {
    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;
    /** Size of a WAL record header, added to each message's length to advance the simulated LSN. */
    private static final int WAL_RECORD_HEADER = 24;
    /** Size of a commit WAL record, from the commit LSN to the end LSN. */
    private static final int COMMIT_RECORD_BYTES = 48;

    private final ExpandableArrayBuffer buffer;
    private int position;
    private int[] offsets = new int[1024];
    private int[] lengths = new int[1024];
    private int messageCount;
    private int prologueCount = -1;
    private int transactionCount;

    private long lsn;
    private int messageStart = -1;
    private int columnsLeft;
    private int beginOffset = -1;
    private long commitTimeMicros;

    /** A builder whose simulated WAL starts at {@code 0/16B3748}, a typical position on a fresh cluster. */
    public PgOutputStreamBuilder() {
        this(0x16B_3748L, 1 << 20);
    }

    public PgOutputStreamBuilder(long startLsn, int initialCapacityBytes) {
        this.lsn = startLsn;
        this.buffer = new ExpandableArrayBuffer(initialCapacityBytes);
    }

    /**
     * Relation ({@code 'R'}): {@code Int32} OID, {@code String} namespace, {@code String} name,
     * {@code Int8} replica identity, {@code Int16} column count, per column {@code Int8} flags
     * (1 = key), {@code String} name, {@code Int32} type OID, {@code Int32} type modifier.
     */
    public PgOutputStreamBuilder relation(int relationId, String namespace, String name, byte replicaIdentity,
                                          ColumnInfo... columns) {
        startMessage('R');
        putInt(relationId);
        putCString(namespace);
        putCString(name);
        putByte(replicaIdentity);
        putShort(columns.length);
        for (ColumnInfo column : columns) {
            putByte(column.key() ? 1 : 0);
            putCString(column.name());
            putInt(column.typeOid());
            putInt(column.typeModifier());
        }
        return end();
    }

    /**
     * Begin ({@code 'B'}): {@code Int64} final LSN (patched by {@link #commit()}), {@code Int64} commit
     * timestamp, {@code Int32} xid.
     */
    public PgOutputStreamBuilder begin(int xid, long commitTimeMicros) {
        if (beginOffset >= 0) {
            throw new IllegalStateException("begin inside an open transaction (expected: commit first)");
        }
        if (prologueCount < 0) {
            prologueCount = messageCount;
        }
        startMessage('B');
        beginOffset = messageStart;
        this.commitTimeMicros = commitTimeMicros;
        putLong(0L);
        putLong(commitTimeMicros);
        putInt(xid);
        return end();
    }

    /**
     * Commit ({@code 'C'}): {@code Int8} flags (0), {@code Int64} commit LSN, {@code Int64} end LSN,
     * {@code Int64} commit timestamp (the one given to {@link #begin}).
     */
    public PgOutputStreamBuilder commit() {
        if (beginOffset < 0) {
            throw new IllegalStateException("commit without begin");
        }
        long commitLsn = lsn;
        buffer.putLong(beginOffset + 1, commitLsn, ORDER);
        startMessage('C');
        putByte(0);
        putLong(commitLsn);
        putLong(commitLsn + COMMIT_RECORD_BYTES);
        putLong(commitTimeMicros);
        end();
        lsn = commitLsn + COMMIT_RECORD_BYTES;
        beginOffset = -1;
        transactionCount++;
        return this;
    }

    /** Insert ({@code 'I'}): {@code Int32} relation OID, {@code 'N'}, then a tuple of {@code columnCount} values. */
    public PgOutputStreamBuilder insert(int relationId, int columnCount) {
        startRow('I', relationId);
        return tuple('N', columnCount);
    }

    /**
     * Update ({@code 'U'}) without an old tuple (the key did not change): {@code Int32} relation OID,
     * {@code 'N'}, then the new tuple of {@code columnCount} values.
     */
    public PgOutputStreamBuilder update(int relationId, int columnCount) {
        startRow('U', relationId);
        return tuple('N', columnCount);
    }

    /**
     * Update ({@code 'U'}) with an old tuple: {@code Int32} relation OID, {@code oldKind} ({@code 'K'}
     * or {@code 'O'}) and the old tuple's values; call {@link #newTuple(int)} after them.
     */
    public PgOutputStreamBuilder update(int relationId, char oldKind, int columnCount) {
        requireOldKind(oldKind);
        startRow('U', relationId);
        return tuple(oldKind, columnCount);
    }

    /** The {@code 'N'} new tuple of an update that had an old tuple. */
    public PgOutputStreamBuilder newTuple(int columnCount) {
        requireInRow();
        if (columnsLeft != 0) {
            throw new IllegalStateException(columnsLeft + " old tuple values missing");
        }
        return tuple('N', columnCount);
    }

    /** Delete ({@code 'D'}): {@code Int32} relation OID, {@code oldKind} ({@code 'K'} or {@code 'O'}), the old tuple. */
    public PgOutputStreamBuilder delete(int relationId, char oldKind, int columnCount) {
        requireOldKind(oldKind);
        startRow('D', relationId);
        return tuple(oldKind, columnCount);
    }

    /** A text value ({@code 't'}, {@code Int32} length, the UTF-8 bytes of the type's output function). */
    public PgOutputStreamBuilder text(String value) {
        return value('t', value.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary value ({@code 'b'}, {@code Int32} length, the bytes of the type's send function). */
    public PgOutputStreamBuilder binary(byte[] value) {
        return value('b', value);
    }

    /** A binary {@code int4}/{@code oid}: 4 bytes, big-endian. */
    public PgOutputStreamBuilder binaryInt4(int value) {
        nextColumn();
        putByte('b');
        putInt(4);
        putInt(value);
        return this;
    }

    /** A binary {@code int8} or {@code timestamp[tz]} (microseconds since 2000-01-01): 8 bytes, big-endian. */
    public PgOutputStreamBuilder binaryInt8(long value) {
        nextColumn();
        putByte('b');
        putInt(8);
        putLong(value);
        return this;
    }

    /** SQL NULL ({@code 'n'}). */
    public PgOutputStreamBuilder nullValue() {
        nextColumn();
        putByte('n');
        return this;
    }

    /** An unchanged TOASTed value whose bytes the server did not send ({@code 'u'}). */
    public PgOutputStreamBuilder unchangedToast() {
        nextColumn();
        putByte('u');
        return this;
    }

    /** Ends the current message; a row message must have all its declared column values. */
    public PgOutputStreamBuilder end() {
        if (messageStart < 0) {
            throw new IllegalStateException("no message open");
        }
        if (columnsLeft != 0) {
            throw new IllegalStateException(columnsLeft + " column values missing");
        }
        int length = position - messageStart;
        if (messageCount == offsets.length) {
            offsets = Arrays.copyOf(offsets, messageCount * 2);
            lengths = Arrays.copyOf(lengths, messageCount * 2);
        }
        offsets[messageCount] = messageStart;
        lengths[messageCount] = length;
        messageCount++;
        lsn += (WAL_RECORD_HEADER + length + 7) & ~7L;
        messageStart = -1;
        return this;
    }

    /** Number of messages written so far. */
    public int messageCount() {
        return messageCount;
    }

    /** The simulated WAL position after the last message. */
    public long lsn() {
        return lsn;
    }

    /** Copies the messages into an exactly sized buffer, as a stream that benchmarks can decode repeatedly. */
    public PgOutputStream build() {
        if (messageStart >= 0 || beginOffset >= 0) {
            throw new IllegalStateException("a message or transaction is still open");
        }
        byte[] bytes = new byte[position];
        buffer.getBytes(0, bytes);
        int prologue = prologueCount < 0 ? messageCount : prologueCount;
        return new PgOutputStream(new UnsafeBuffer(bytes), Arrays.copyOf(offsets, messageCount),
                Arrays.copyOf(lengths, messageCount), prologue, transactionCount);
    }

    private PgOutputStreamBuilder value(char kind, byte[] value) {
        nextColumn();
        putByte(kind);
        putInt(value.length);
        buffer.putBytes(position, value);
        position += value.length;
        return this;
    }

    private void startRow(char type, int relationId) {
        if (beginOffset < 0) {
            throw new IllegalStateException("row change outside a transaction (expected: begin first)");
        }
        startMessage(type);
        putInt(relationId);
    }

    private PgOutputStreamBuilder tuple(char marker, int columnCount) {
        putByte(marker);
        putShort(columnCount);
        columnsLeft = columnCount;
        return this;
    }

    private void nextColumn() {
        requireInRow();
        if (columnsLeft == 0) {
            throw new IllegalStateException("more values than the tuple's column count");
        }
        columnsLeft--;
    }

    private void requireInRow() {
        if (messageStart < 0) {
            throw new IllegalStateException("no row message open");
        }
    }

    private static void requireOldKind(char oldKind) {
        if (oldKind != 'K' && oldKind != 'O') {
            throw new IllegalArgumentException("old tuple kind: " + oldKind + " (expected: K or O)");
        }
    }

    private void startMessage(char type) {
        if (messageStart >= 0) {
            throw new IllegalStateException("message still open (expected: end() first)");
        }
        messageStart = position;
        putByte(type);
    }

    private void putByte(int value) {
        buffer.putByte(position, (byte) value);
        position++;
    }

    private void putShort(int value) {
        buffer.putShort(position, (short) value, ORDER);
        position += 2;
    }

    private void putInt(int value) {
        buffer.putInt(position, value, ORDER);
        position += 4;
    }

    private void putLong(long value) {
        buffer.putLong(position, value, ORDER);
        position += 8;
    }

    private void putCString(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.putBytes(position, bytes);
        position += bytes.length;
        putByte(0);
    }
}
