package io.walferry.benchmarks;

import io.walferry.decoder.DeleteMessage;
import io.walferry.decoder.InsertMessage;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A typical consumer of decoded changes, the work the reader thread does per row before handing it
 * to an applier lane: per column it reads the kind, offset and length; it hashes the replica identity
 * key's bytes (from the old key when one was sent, else from the new row) to pick one of
 * {@link #LANES} lanes, and copies the row into a reusable buffer as a row image of length-prefixed
 * fields (the {@code COPY BINARY} tuple layout: {@code Int16} field count, per field {@code Int32}
 * length, {@code -1} for NULL, then the bytes). Unchanged TOAST values are left out and remembered in
 * a bit mask, because the target keeps them. Allocation-free.
 */
public final class RowRoutingConsumer {
    /** Applier lanes; a power of two. */
    public static final int LANES = 8;
    private static final ByteOrder ORDER = ByteOrder.BIG_ENDIAN;

    /** Big enough for the largest fixture row (a 64 KB and a 2 KB value, plus headers). */
    private final MutableDirectBuffer rowImage = new UnsafeBuffer(new byte[256 * 1024]);
    private final long[] laneRows = new long[LANES];
    private final long[] laneBytes = new long[LANES];
    private long unchangedToastMask;
    private long transactionFinalLsn;

    /** Decodes and consumes every message after the stream's prologue; returns a checksum of what it read. */
    public long consumeAll(PgOutputDecoder decoder, PgOutputStream stream) {
        DirectBuffer buffer = stream.buffer();
        long checksum = 0;
        for (int i = stream.prologueCount(), count = stream.messageCount(); i < count; i++) {
            MessageType type = decoder.wrap(buffer, stream.offset(i), stream.length(i));
            switch (type) {
                case BEGIN:
                    transactionFinalLsn = decoder.begin().finalLsn();
                    checksum += decoder.begin().xid();
                    break;
                case COMMIT:
                    checksum ^= decoder.commit().endLsn() + (decoder.commit().commitLsn() == transactionFinalLsn ? 1 : 0);
                    break;
                case INSERT: {
                    InsertMessage insert = decoder.insert();
                    checksum += route(insert.relation(), insert.newTuple(), insert.newTuple());
                    break;
                }
                case UPDATE: {
                    UpdateMessage update = decoder.update();
                    TupleData key = update.hasOldTuple() ? update.oldTuple() : update.newTuple();
                    checksum += route(update.relation(), key, update.newTuple());
                    break;
                }
                case DELETE: {
                    DeleteMessage delete = decoder.delete();
                    checksum += route(delete.relation(), delete.oldTuple(), delete.oldTuple());
                    break;
                }
                default:
                    throw new IllegalStateException("message " + i + " is " + type + " (expected: a transaction message)");
            }
        }
        return checksum;
    }

    /** Rows routed to {@code lane} since this consumer was created. */
    public long laneRows(int lane) {
        return laneRows[lane];
    }

    /** Row image bytes routed to {@code lane} since this consumer was created. */
    public long laneBytes(int lane) {
        return laneBytes[lane];
    }

    private long route(RelationInfo relation, TupleData key, TupleData row) {
        int hash = keyHash(relation, key);
        int lane = hash & (LANES - 1);
        int imageBytes = encodeRowImage(row);
        laneRows[lane]++;
        laneBytes[lane] += imageBytes;
        return hash + imageBytes + unchangedToastMask;
    }

    /** FNV-1a over the key columns' bytes, seeded with the relation OID; a keyless table hashes to its OID. */
    private static int keyHash(RelationInfo relation, TupleData key) {
        int hash = 0x811C_9DC5 ^ relation.relationId();
        DirectBuffer values = key.buffer();
        for (int i = 0, n = key.columnCount(); i < n; i++) {
            if (!relation.column(i).key()) {
                continue;
            }
            byte kind = key.kind(i);
            if (kind == TupleData.TEXT || kind == TupleData.BINARY) {
                for (int p = key.valueOffset(i), end = p + key.valueLength(i); p < end; p++) {
                    hash = (hash ^ values.getByte(p)) * 0x0100_0193;
                }
            }
        }
        return hash ^ (hash >>> 16);
    }

    private int encodeRowImage(TupleData row) {
        MutableDirectBuffer image = rowImage;
        DirectBuffer values = row.buffer();
        int columns = row.columnCount();
        long unchanged = 0;
        image.putShort(0, (short) columns, ORDER);
        int position = 2;
        for (int i = 0; i < columns; i++) {
            byte kind = row.kind(i);
            if (kind == TupleData.TEXT || kind == TupleData.BINARY) {
                int length = row.valueLength(i);
                image.putInt(position, length, ORDER);
                image.putBytes(position + 4, values, row.valueOffset(i), length);
                position += 4 + length;
            } else if (kind == TupleData.NULL) {
                image.putInt(position, -1, ORDER);
                position += 4;
            } else if (kind == TupleData.UNCHANGED_TOAST) {
                unchanged |= 1L << (i & 63);
            } else {
                throw new IllegalStateException("column " + (i + 1) + " kind " + TupleData.kindName(kind));
            }
        }
        unchangedToastMask = unchanged;
        return position;
    }
}
