package io.walferry.benchmarks;

import io.walferry.decoder.DeleteMessage;
import io.walferry.decoder.InsertMessage;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import org.agrona.DirectBuffer;

/**
 * The decode loop the benchmarks measure: every message of a {@link PgOutputStream} through one
 * {@link PgOutputDecoder}, with the least a consumer always reads (the transaction's xid and LSNs,
 * each row's relation and where each of its values is) folded into a checksum so that the JIT
 * cannot drop any of the decoding. Allocation-free.
 */
public final class StreamDecoding {
    private StreamDecoding() {
    }

    /** Decodes the stream's prologue (its Relation messages) into the decoder's relation cache. */
    public static void decodePrologue(PgOutputDecoder decoder, PgOutputStream stream) {
        for (int i = 0; i < stream.prologueCount(); i++) {
            MessageType type = decoder.wrap(stream.buffer(), stream.offset(i), stream.length(i));
            if (type != MessageType.RELATION && type != MessageType.TYPE) {
                throw new IllegalStateException("prologue message " + i + " is " + type + " (expected: RELATION or TYPE)");
            }
        }
    }

    /**
     * Decodes every message after the prologue; returns a checksum of xids, commit LSNs, relation OIDs,
     * column counts and value lengths.
     */
    public static long decodeAll(PgOutputDecoder decoder, PgOutputStream stream) {
        DirectBuffer buffer = stream.buffer();
        long checksum = 0;
        for (int i = stream.prologueCount(), count = stream.messageCount(); i < count; i++) {
            MessageType type = decoder.wrap(buffer, stream.offset(i), stream.length(i));
            switch (type) {
                case BEGIN:
                    checksum += decoder.begin().xid();
                    break;
                case COMMIT:
                    checksum ^= decoder.commit().endLsn();
                    break;
                case INSERT: {
                    InsertMessage insert = decoder.insert();
                    checksum += insert.relation().relationId() + sumValueLengths(insert.newTuple());
                    break;
                }
                case UPDATE: {
                    UpdateMessage update = decoder.update();
                    checksum += update.relation().relationId() + sumValueLengths(update.newTuple());
                    if (update.hasOldTuple()) {
                        checksum += sumValueLengths(update.oldTuple());
                    }
                    break;
                }
                case DELETE: {
                    DeleteMessage delete = decoder.delete();
                    checksum += delete.relation().relationId() + sumValueLengths(delete.oldTuple());
                    break;
                }
                default:
                    throw new IllegalStateException("message " + i + " is " + type + " (expected: a transaction message)");
            }
        }
        return checksum;
    }

    private static long sumValueLengths(TupleData tuple) {
        long sum = tuple.columnCount();
        for (int i = 0, n = tuple.columnCount(); i < n; i++) {
            sum += tuple.valueLength(i);
        }
        return sum;
    }
}
