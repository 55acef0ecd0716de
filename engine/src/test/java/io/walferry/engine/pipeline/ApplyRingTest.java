package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The ring and the applier thread, with an in-memory handler (no server): ordering, draining, halting. */
class ApplyRingTest {
    private final ApplierSignals signals = new ApplierSignals();

    /** Records what it is handed; fails on the message whose first payload byte is {@code failOn}. */
    private static final class RecordingHandler implements ApplyHandler {
        final List<Integer> received = new CopyOnWriteArrayList<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final int failOn;
        volatile long durable;

        RecordingHandler(int failOn) {
            this.failOn = failOn;
        }

        @Override
        public long open(int protocolVersion) {
            calls.add("open " + protocolVersion + " on " + Thread.currentThread().getName());
            return 0x42;
        }

        @Override
        public void onMessage(DirectBuffer buffer, int offset, int length, long lsn) {
            int value = buffer.getByte(offset + 1);
            received.add(value);
            if (value == failOn) {
                throw new IllegalStateException("cannot apply message " + value);
            }
            durable = lsn;
        }

        @Override
        public long durableLsn() {
            return durable;
        }

        @Override
        public void close() {
            calls.add("close on " + Thread.currentThread().getName());
        }
    }

    private static void publish(ApplyRing ring, int value) {
        long sequence;
        while ((sequence = ring.tryClaim()) < 0) {
            LockSupport.parkNanos(ApplyRing.FULL_RING_PARK_NANOS);
        }
        UnsafeBuffer message = new UnsafeBuffer(new byte[] {'I', (byte) value});
        ring.publishMessage(sequence, message, 0, 2, 0x100L + value);
    }

    @Test
    void shouldHandEveryMessageInOrderAndDrainBeforeStopping() throws Exception {
        RecordingHandler handler = new RecordingHandler(-1);
        ApplyRing ring = new ApplyRing("test", 8, 16, handler, signals);
        ring.start();
        assertThat(ring.publishOpen(1, 4, () -> false)).isTrue();
        assertThat(signals.awaitOpened(1, () -> false, 1000)).isTrue();
        assertThat(signals.recordedLsn()).isEqualTo(0x42);

        for (int i = 0; i < 100; i++) {
            publish(ring, i);
        }
        assertThat(ring.drainAndStop(100, 10_000, () -> { })).isTrue();

        assertThat(handler.received).hasSize(100).isSorted();
        assertThat(handler.calls).containsExactly("open 4 on walferry-apply-test", "close on walferry-apply-test");
        assertThat(ring.stage().changesApplied()).isEqualTo(100);
        assertThat(signals.hasFailed()).isFalse();
    }

    @Test
    void shouldHaltAtTheFirstFailureAndHandNothingFurther() throws Exception {
        RecordingHandler handler = new RecordingHandler(3);
        ApplyRing ring = new ApplyRing("test", 8, 16, handler, signals);
        ring.start();
        ring.publishOpen(1, 4, () -> false);
        for (int i = 1; i <= 6; i++) {
            publish(ring, i);
        }

        assertThat(ring.drainAndStop(100, 10_000, () -> { })).isFalse();

        assertThat(handler.received).containsExactly(1, 2, 3);
        assertThat(signals.failure())
                .hasMessage("applying the stream up to the INSERT message at LSN 0/103 failed: cannot apply message 3; the pipeline"
                        + " stopped, and the source's slot stays at or below the last durable transaction 0/102")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(signals.failure().durableLsn()).isEqualTo(0x102);
        assertThat(handler.calls).last().isEqualTo("close on walferry-apply-test");
    }
}
