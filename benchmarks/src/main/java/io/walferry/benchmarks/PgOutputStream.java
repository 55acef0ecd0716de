package io.walferry.benchmarks;

import org.agrona.DirectBuffer;

/**
 * A prepared replication stream: pgoutput messages laid end to end in one buffer, with the offset and
 * length of each, as the reader thread would receive them one XLogData payload at a time.
 *
 * <p>The first {@link #prologueCount()} messages are the Relation messages the server sends before a
 * table's first change; a benchmark decodes them once during setup (they fill the decoder's relation
 * cache and allocate by design) and then measures {@code [prologueCount, messageCount)}, the
 * transactions, which are the hot path.
 */
public final class PgOutputStream {
    private final DirectBuffer buffer;
    private final int[] offsets;
    private final int[] lengths;
    private final int prologueCount;
    private final int transactionCount;

    PgOutputStream(DirectBuffer buffer, int[] offsets, int[] lengths, int prologueCount, int transactionCount) {
        this.buffer = buffer;
        this.offsets = offsets;
        this.lengths = lengths;
        this.prologueCount = prologueCount;
        this.transactionCount = transactionCount;
    }

    /** The buffer holding every message back to back. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** Number of messages, prologue included. */
    public int messageCount() {
        return offsets.length;
    }

    /** Number of leading messages (Relation) before the first Begin. */
    public int prologueCount() {
        return prologueCount;
    }

    /** Number of messages from the first Begin on: what one benchmark invocation decodes. */
    public int changeMessageCount() {
        return offsets.length - prologueCount;
    }

    /** Number of Begin ... Commit transactions. */
    public int transactionCount() {
        return transactionCount;
    }

    /** Offset of message {@code index} (its type byte) in {@link #buffer()}. */
    public int offset(int index) {
        return offsets[index];
    }

    /** Length in bytes of message {@code index}. */
    public int length(int index) {
        return lengths[index];
    }

    /** Total bytes of all messages. */
    public int byteCount() {
        return buffer.capacity();
    }

    @Override
    public String toString() {
        return "PgOutputStream[messages=" + messageCount() + " prologue=" + prologueCount
                + " transactions=" + transactionCount + " bytes=" + byteCount() + "]";
    }
}
