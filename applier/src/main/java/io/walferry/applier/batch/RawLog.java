package io.walferry.applier.batch;

import java.util.Arrays;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The messages of one batch, as they arrived, in order: what the exact path re-reads to apply the
 * batch statement by statement when the set-wise apply cannot be used. Grows as needed; the batch
 * limits bound it.
 */
final class RawLog {
    private byte[] bytes = new byte[64 * 1024];
    private int[] offsets = new int[1024];
    private int[] lengths = new int[1024];
    private int[] lanes = new int[1024];
    private int[] oldLanes = new int[1024];
    private int count;
    private UnsafeBuffer view;
    private int size;

    /** Appends a message; returns its index. */
    int append(DirectBuffer buffer, int offset, int length) {
        if (size + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + length));
        }
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
            lanes = Arrays.copyOf(lanes, count * 2);
            oldLanes = Arrays.copyOf(oldLanes, count * 2);
        }
        buffer.getBytes(offset, bytes, size, length);
        offsets[count] = size;
        lengths[count] = length;
        lanes[count] = -1;
        oldLanes[count] = -1;
        size += length;
        return count++;
    }

    /**
     * Records the lane of the change at {@code index}, and for an update that moves its row to another
     * key the lane of the old key, so that the exact path skips exactly what each lane applied.
     */
    void route(int index, int lane, int oldLane) {
        lanes[index] = lane;
        oldLanes[index] = oldLane;
    }

    /** The lane of the change at {@code index}; -1 for a message that is no row change. */
    int lane(int index) {
        return lanes[index];
    }

    /** The lane of the old key of the update at {@code index}: {@link #lane} unless the key moved. */
    int oldLane(int index) {
        return oldLanes[index];
    }

    /** Decodes message {@code index} with {@code decoder} (read again, for the exact path). */
    MessageType read(PgOutputDecoder decoder, int index) {
        if (view == null || view.byteArray() != bytes) {
            view = new UnsafeBuffer(bytes);
        }
        return decoder.wrap(view, offsets[index], lengths[index]);
    }

    int count() {
        return count;
    }

    /** Bytes held. */
    long size() {
        return size;
    }
}
