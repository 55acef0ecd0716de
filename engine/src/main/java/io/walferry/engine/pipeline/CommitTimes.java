package io.walferry.engine.pipeline;

/**
 * The end LSN and commit time of the transactions published and not yet durable, oldest first,
 * so that the progress line can say how long ago the oldest change still waiting for the target
 * was committed. Bounded: when full, the newest entry is overwritten by each newer commit, which
 * keeps the oldest entries (the ones that matter for lag) exact. Reader thread only; no allocation.
 */
final class CommitTimes {
    private final long[] endLsns;
    private final long[] commitTimesMicros;
    private final int mask;
    private long head;
    private long tail;

    /** @param capacity a power of two */
    CommitTimes(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: a power of two)");
        }
        endLsns = new long[capacity];
        commitTimesMicros = new long[capacity];
        mask = capacity - 1;
    }

    void add(long endLsn, long commitTimeMicros) {
        if (tail - head == endLsns.length) {
            tail--;
        }
        int index = (int) (tail & mask);
        endLsns[index] = endLsn;
        commitTimesMicros[index] = commitTimeMicros;
        tail++;
    }

    /** Forgets the transactions whose end LSN is at or below {@code durableLsn}. */
    void durableUpTo(long durableLsn) {
        while (head < tail && Long.compareUnsigned(endLsns[(int) (head & mask)], durableLsn) <= 0) {
            head++;
        }
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** Commit time of the oldest transaction not yet durable; only when not {@link #isEmpty()}. */
    long oldestCommitTimeMicros() {
        return commitTimesMicros[(int) (head & mask)];
    }

    int size() {
        return (int) (tail - head);
    }
}
