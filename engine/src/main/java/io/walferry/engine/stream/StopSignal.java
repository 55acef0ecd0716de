package io.walferry.engine.stream;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-way request to stop a stream reader, set from any thread (a shutdown hook) and polled by
 * the reader, which also waits on it while the stream is idle so that a stop is seen at once.
 */
public final class StopSignal {
    private final CountDownLatch requested = new CountDownLatch(1);

    /** Asks the reader to stop; idempotent. */
    public void request() {
        requested.countDown();
    }

    public boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Waits up to {@code millis}, or less when a stop is requested; returns whether one has been. */
    public boolean awaitMillis(long millis) {
        try {
            return requested.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request();
            return true;
        }
    }
}
