package io.walferry.engine.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.LiteTimeoutBlockingWaitStrategy;
import io.walferry.engine.metrics.RingProbe;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring buffer between the reader thread (its single producer) and the applier thread (its one
 * consumer, a {@link BatchEventProcessor} running {@link ApplyStage}), and the applier thread's
 * life: {@link #start()}, then messages and control events, then {@link #stop(long)}.
 *
 * <p>The reader never blocks inside the Disruptor: it {@link #tryClaim() tries} to claim a slot and,
 * when the ring is full, does its stream housekeeping (status updates) between attempts, so a slow
 * target never makes the source time the connection out.
 */
final class ApplyRing implements RingProbe {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyRing.class);
    /** How long the reader parks between attempts to claim a slot of a full ring. */
    static final long FULL_RING_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final RingBuffer<StreamEvent> ring;
    private final BatchEventProcessor<StreamEvent> processor;
    private final ApplyStage stage;
    private final ApplierSignals signals;
    private final Thread thread;
    private volatile boolean stopped;

    ApplyRing(String pipelineName, int ringSize, int eventBufferBytes, ApplyHandler handler, ApplierSignals signals) {
        this.signals = signals;
        // The lite variant signals the applier thread only when it waits: one atomic swap per
        // published message instead of taking a lock (a sixth of the reader thread's samples in a
        // profile of a backlog drain). A missed wake-up could cost at most the idle timeout.
        this.ring = RingBuffer.createSingleProducer(() -> new StreamEvent(eventBufferBytes), ringSize,
                new LiteTimeoutBlockingWaitStrategy(ApplyHandler.IDLE_MILLIS, TimeUnit.MILLISECONDS));
        this.stage = new ApplyStage(handler, signals);
        this.processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), stage);
        HaltingExceptionHandler exceptionHandler = new HaltingExceptionHandler(signals, handler);
        exceptionHandler.haltsProcessor(processor);
        processor.setExceptionHandler(exceptionHandler);
        ring.addGatingSequences(processor.getSequence());
        this.thread = new Thread(processor, "walferry-apply-" + pipelineName);
        // A handler stuck on a dead target must not keep the process alive after the reader gave up.
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A claimed sequence, or -1 when the ring is full. */
    long tryClaim() {
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException e) {
            return -1;
        }
    }

    StreamEvent event(long sequence) {
        return ring.get(sequence);
    }

    void publish(long sequence) {
        ring.publish(sequence);
    }

    /** Copies a message into a claimed slot and publishes it. */
    void publishMessage(long sequence, DirectBuffer source, int offset, int length, long lsn) {
        ring.get(sequence).setMessage(source, offset, length, lsn);
        ring.publish(sequence);
    }

    /**
     * Publishes the control event that opens the handler for stream {@code session}, waiting for
     * room; returns false when the applier failed first or {@code giveUp} said so.
     */
    boolean publishOpen(long session, int protocolVersion, BooleanSupplier giveUp) {
        long sequence = claimWaiting(giveUp);
        if (sequence < 0) {
            return false;
        }
        ring.get(sequence).setOpen(session, protocolVersion);
        ring.publish(sequence);
        return true;
    }

    /** Tells the applier the slot was just created at {@code consistentLsn}; false when given up. */
    boolean publishSlotCreated(long consistentLsn, BooleanSupplier giveUp) {
        long sequence = claimWaiting(giveUp);
        if (sequence < 0) {
            return false;
        }
        ring.get(sequence).setSlotCreated(consistentLsn);
        ring.publish(sequence);
        return true;
    }

    private long claimWaiting(BooleanSupplier giveUp) {
        // The applier thread is started before anything is published, so a dead thread means it is gone.
        while (!signals.hasFailed() && !stopped && thread.isAlive() && !giveUp.getAsBoolean()) {
            long sequence = tryClaim();
            if (sequence >= 0) {
                return sequence;
            }
            LockSupport.parkNanos(FULL_RING_PARK_NANOS);
        }
        return -1;
    }

    /**
     * Lets the applier finish what was published, then stops it: publishes the END event and waits
     * for the applier to reach it, calling {@code whileWaiting} every {@code sliceMs} (the reader
     * keeps the source connection alive meanwhile); then halts the processor, which closes the handler,
     * and waits for the thread. Returns whether the ring was drained.
     */
    boolean drainAndStop(long sliceMs, long timeoutMs, Runnable whileWaiting) {
        boolean drained = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long sequence = claimWaiting(() -> System.nanoTime() - deadline > 0);
        if (sequence >= 0) {
            ring.get(sequence).setEnd();
            ring.publish(sequence);
            try {
                while (!(drained = signals.awaitDrained(sliceMs)) && !signals.hasFailed() && thread.isAlive()
                        && System.nanoTime() - deadline < 0) {
                    whileWaiting.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop(timeoutMs);
        return drained;
    }

    /** Halts the processor (the handler is closed on the applier thread) and waits for the thread. */
    void stop(long timeoutMs) {
        stopped = true;
        processor.halt();
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("the applier thread {} did not stop within {} ms (the apply handler is blocked, probably on"
                    + " the target): leaving it behind without closing the handler", thread.getName(), timeoutMs);
        }
    }

    /** Whether the applier thread still runs: it ends only when halted, so false means it is gone. */
    boolean isApplierAlive() {
        return thread.isAlive();
    }

    ApplyStage stage() {
        return stage;
    }

    int size() {
        return ring.getBufferSize();
    }

    /** Events published and not yet consumed. */
    long backlog() {
        return ring.getCursor() - processor.getSequence().get();
    }

    @Override
    public boolean applierAlive() {
        return thread.isAlive() && !stopped && !signals.hasFailed();
    }

    /**
     * The ring's occupancy: its capacity minus its remaining capacity, read from the two volatile
     * sequences (published cursor, applier's position) so that any thread may ask.
     */
    @Override
    public long ringUsedSlots() {
        return Math.max(0, backlog());
    }

    @Override
    public int ringCapacity() {
        return size();
    }
}
