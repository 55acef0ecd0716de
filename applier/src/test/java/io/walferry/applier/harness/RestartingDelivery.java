package io.walferry.applier.harness;

import io.walferry.decoder.Lsn;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.engine.source.ConnectionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Hands a captured stream to a mode's handlers as a pipeline that is stopped and restarted would:
 * the stream is cut after given messages (anywhere: inside a transaction, inside a streamed block);
 * at each cut the handler is closed and a new one opened on the same target and pipeline, which gets
 * the stream again from its start (as a stream restarted from a slot whose confirmed position had not
 * moved would send it) and must skip what the earlier handlers made durable.
 *
 * <p>Checks the {@link ApplyHandler} contract on the way: {@code open} returns at least the durable
 * LSN the closed handler last reported (durable means durable), and never more than the stream holds;
 * {@code durableLsn} only moves forward; after the whole stream the handler becomes durable up to
 * its last commit within a time limit, called {@code onIdle()} as the pipeline calls it when the
 * stream goes quiet (a batched handler then applies its partial batches).
 *
 * <p>Runs on the test's thread, which plays the pipeline's applier thread.
 */
public final class RestartingDelivery implements AutoCloseable {
    private final ApplyMode mode;
    private final ConnectionSpec target;
    private final String pipelineName;
    private final int protocolVersion;
    private final List<String> log = new ArrayList<>();
    private ApplyHandler handler;
    /** The current handler's durable LSN when last read. */
    private long handlerDurable;

    public RestartingDelivery(ApplyMode mode, ConnectionSpec target, String pipelineName, int protocolVersion) {
        this.mode = mode;
        this.target = target;
        this.pipelineName = pipelineName;
        this.protocolVersion = protocolVersion;
    }

    /**
     * Builds and opens the first handler. Throws what its {@code open} throws, so a caller can tell a
     * mode that refuses to run at all ({@link UnsupportedOperationException}) from one that fails later.
     */
    public void start() throws Exception {
        handler = mode.create(target, pipelineName);
        try {
            opened(handler.open(protocolVersion), Lsn.INVALID);
        } catch (Exception e) {
            handler.close();
            handler = null;
            throw e;
        }
    }

    /**
     * Delivers {@code stream}, restarting once the first {@code cuts[i]} messages have been delivered,
     * for each {@code i} (ascending, each between 1 and the stream's size), and waits until the last
     * handler is durable up to {@code lastCommitEndLsn}.
     *
     * @param awaitDurable how long the last handler may take to become durable once it has every message
     */
    public void deliver(List<ReplicationFixture.Captured> stream, int[] cuts, long lastCommitEndLsn,
                        Duration awaitDurable) throws Exception {
        if (handler == null) {
            throw new IllegalStateException("start() first");
        }
        for (int cut : cuts) {
            deliverUpTo(stream, cut, lastCommitEndLsn);
            restart(lastCommitEndLsn);
        }
        deliverUpTo(stream, stream.size(), lastCommitEndLsn);
        awaitDurable(lastCommitEndLsn, awaitDurable);
    }

    /** Messages {@code [0, end)} to the current handler: from the start of the stream, as after a restart. */
    private void deliverUpTo(List<ReplicationFixture.Captured> stream, int end, long lastCommitEndLsn) throws Exception {
        for (int i = 0; i < end; i++) {
            ReplicationFixture.Captured message = stream.get(i);
            try {
                handler.onMessage(new UnsafeBuffer(message.bytes()), 0, message.bytes().length, message.lsn());
            } catch (Exception e) {
                throw new AssertionError("the handler failed on message " + i + " (" + message.type().displayName()
                        + " at " + Lsn.format(message.lsn()) + "); " + history(), e);
            }
            checkDurable(lastCommitEndLsn);
        }
        log.add("delivered messages 0.." + (end - 1) + ", durable " + Lsn.format(handler.durableLsn()));
    }

    private void restart(long lastCommitEndLsn) throws Exception {
        long durable = checkDurable(lastCommitEndLsn);
        handler.close();
        log.add("closed");
        handler = mode.create(target, pipelineName);
        opened(handler.open(protocolVersion), durable);
    }

    private void opened(long recorded, long durableBefore) {
        log.add("opened: recorded end LSN " + Lsn.format(recorded));
        if (Lsn.compare(recorded, durableBefore) < 0) {
            throw new AssertionError("open() returned " + Lsn.format(recorded) + ", below the durable LSN "
                    + Lsn.format(durableBefore) + " the closed handler reported; " + history());
        }
        handlerDurable = Lsn.INVALID;
    }

    /** The handler's durable LSN, checked: it only moves forward and never past the stream. */
    private long checkDurable(long lastCommitEndLsn) {
        long durable = handler.durableLsn();
        if (Lsn.compare(durable, handlerDurable) < 0) {
            throw new AssertionError("durableLsn() went back from " + Lsn.format(handlerDurable) + " to "
                    + Lsn.format(durable) + "; " + history());
        }
        if (Lsn.compare(durable, lastCommitEndLsn) > 0) {
            throw new AssertionError("durableLsn() " + Lsn.format(durable) + " is past the stream's last commit "
                    + Lsn.format(lastCommitEndLsn) + "; " + history());
        }
        handlerDurable = durable;
        return durable;
    }

    private void awaitDurable(long lastCommitEndLsn, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Lsn.compare(checkDurable(lastCommitEndLsn), lastCommitEndLsn) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the handler had the whole stream but was durable only up to "
                        + Lsn.format(handler.durableLsn()) + " after " + timeout.toMillis() + " ms, not up to its last"
                        + " commit " + Lsn.format(lastCommitEndLsn) + "; " + history());
            }
            // The stream has gone quiet, as the pipeline tells the handler; durableLsn() has no callback to
            // wait on (a lane commits on its own thread).
            handler.onIdle();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        log.add("durable up to the last commit " + Lsn.format(lastCommitEndLsn));
    }

    /** What happened so far, for failure messages: each open, delivery and close. */
    public String history() {
        return mode + " on pipeline " + pipelineName + ": " + String.join("; ", log);
    }

    /** The cut points drawn for a run, as a failure message shows them. */
    public static String describeCuts(int[] cuts, int messages) {
        return cuts.length == 0 ? "no restart" : "restarts after " + Arrays.toString(cuts) + " of " + messages + " messages";
    }

    /** Closes the current handler; a failure to close it fails the test. */
    @Override
    public void close() {
        if (handler != null) {
            ApplyHandler closing = handler;
            handler = null;
            try {
                closing.close();
            } catch (Exception e) {
                throw new AssertionError("closing the handler failed; " + history(), e);
            }
        }
    }
}
