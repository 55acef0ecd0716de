package io.walferry.engine.pipeline;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One slot of the ring buffer, preallocated and reused: a raw pgoutput message copied out of the
 * replication stream, or a control event that tells the applier thread to open the handler for a
 * new stream or that the reader has ended.
 *
 * <p>The message buffer starts at {@code keepBytes}. A longer message grows it to fit; the next
 * message that fits in {@code keepBytes} shrinks it back, so a burst of large values does not pin
 * memory once it has passed. Written by the reader thread between claim and publish, read by the
 * applier thread between publish and the next claim of the slot.
 */
final class StreamEvent {
    /** A pgoutput message: {@link #buffer()}{@code [0, length)}, from XLogData at {@link #lsn()}. */
    static final byte MESSAGE = 0;
    /** Open the apply handler for stream session {@link #session()} of {@link #protocolVersion()}. */
    static final byte OPEN = 1;
    /** The reader published its last event: the applier has drained the ring when it sees this. */
    static final byte END = 2;
    /** Control: the pipeline created the slot, whose consistent point is {@link #lsn()}. */
    static final byte SLOT_CREATED = 3;

    private final int keepBytes;
    private final UnsafeBuffer buffer;
    private byte kind;
    private int length;
    private long lsn;
    private int protocolVersion;
    private long session;

    StreamEvent(int keepBytes) {
        this.keepBytes = keepBytes;
        this.buffer = new UnsafeBuffer(new byte[keepBytes]);
    }

    /** Copies {@code source[offset, offset + length)} in as a message at {@code lsn}. */
    void setMessage(DirectBuffer source, int offset, int length, long lsn) {
        int capacity = buffer.capacity();
        if (length > capacity) {
            buffer.wrap(new byte[grownCapacity(length)]);
        } else if (capacity > keepBytes && length <= keepBytes) {
            buffer.wrap(new byte[keepBytes]);
        }
        buffer.putBytes(0, source, offset, length);
        this.kind = MESSAGE;
        this.length = length;
        this.lsn = lsn;
    }

    private static int grownCapacity(int length) {
        int rounded = Integer.highestOneBit(length) << 1;
        return rounded > 0 && rounded >= length ? rounded : length;
    }

    void setOpen(long session, int protocolVersion) {
        this.kind = OPEN;
        this.session = session;
        this.protocolVersion = protocolVersion;
        this.length = 0;
        this.lsn = 0;
    }

    void setSlotCreated(long consistentLsn) {
        this.kind = SLOT_CREATED;
        this.length = 0;
        this.lsn = consistentLsn;
    }

    void setEnd() {
        this.kind = END;
        this.length = 0;
        this.lsn = 0;
    }

    byte kind() {
        return kind;
    }

    DirectBuffer buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    long lsn() {
        return lsn;
    }

    int protocolVersion() {
        return protocolVersion;
    }

    long session() {
        return session;
    }

    /** The message's type byte, or 0 for a control event or an empty message. */
    byte typeByte() {
        return kind == MESSAGE && length > 0 ? buffer.getByte(0) : 0;
    }

    int capacity() {
        return buffer.capacity();
    }
}
