package io.walferry.engine.pipeline;

import java.util.function.BooleanSupplier;

/**
 * What the applier thread tells the reader thread, behind one monitor: that the handler opened for
 * a stream session (and the progress it has recorded), that the ring is drained, or that the
 * handler failed. The reader waits on it; {@link #wakeUp()} ends a wait early (a stop request).
 */
final class ApplierSignals {
    private long openedSession;
    private long recordedLsn;
    private boolean drained;
    private volatile ApplyFailedException failure;

    synchronized void opened(long session, long recorded) {
        openedSession = session;
        recordedLsn = recorded;
        notifyAll();
    }

    synchronized void drained() {
        drained = true;
        notifyAll();
    }

    /** Records the first failure; later ones are added to it as suppressed. */
    synchronized void failed(ApplyFailedException e) {
        if (failure == null) {
            failure = e;
        } else {
            failure.addSuppressed(e);
        }
        notifyAll();
    }

    synchronized void wakeUp() {
        notifyAll();
    }

    /** The handler's failure, or {@code null}; readable from any thread without locking. */
    ApplyFailedException failure() {
        return failure;
    }

    boolean hasFailed() {
        return failure != null;
    }

    /**
     * Waits until the handler has opened for {@code session} or failed, or {@code giveUp} says so
     * (checked after a {@link #wakeUp()}, and every {@code checkMs} in case the applier died).
     *
     * @return whether it opened
     */
    synchronized boolean awaitOpened(long session, BooleanSupplier giveUp, long checkMs) throws InterruptedException {
        while (openedSession != session && failure == null && !giveUp.getAsBoolean()) {
            wait(checkMs);
        }
        return openedSession == session && failure == null;
    }

    /** The progress the handler recorded when it last opened. */
    synchronized long recordedLsn() {
        return recordedLsn;
    }

    /** Waits up to {@code millis} for the ring to be drained or the handler to fail; returns whether drained. */
    synchronized boolean awaitDrained(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!drained && failure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        return drained;
    }
}
