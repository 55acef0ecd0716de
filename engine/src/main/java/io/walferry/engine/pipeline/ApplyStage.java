package io.walferry.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring buffer's consumer, on the applier thread: hands each message to the
 * {@link ApplyHandler}, opens the handler at the start of each stream session, signals when the
 * reader's last event has been reached, and closes the handler when the processor stops.
 *
 * <p>An exception from the handler is not caught here: it reaches the processor's
 * {@link HaltingExceptionHandler}, which halts the pipeline. The ring slot of a message is released
 * when its batch ends; that is safe because the handler copies what it keeps ({@code onMessage}'s
 * buffer is reused after the call). The LSN progress that reaches the source is the handler's
 * {@link ApplyHandler#durableLsn()}, never the ring sequence.
 */
final class ApplyStage implements EventHandler<StreamEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyStage.class);

    private final ApplyHandler handler;
    private final ApplierSignals signals;
    private final AtomicLong messagesApplied = new AtomicLong();
    private final AtomicLong changesApplied = new AtomicLong();
    private final AtomicLong transactionsApplied = new AtomicLong();
    private long messages;
    private long changes;
    private long transactions;

    ApplyStage(ApplyHandler handler, ApplierSignals signals) {
        this.handler = handler;
        this.signals = signals;
    }

    @Override
    public void onEvent(StreamEvent event, long sequence, boolean endOfBatch) throws Exception {
        switch (event.kind()) {
            case StreamEvent.MESSAGE:
                handler.onMessage(event.buffer(), 0, event.length(), event.lsn());
                count(event.typeByte());
                break;
            case StreamEvent.OPEN:
                long recorded = handler.open(event.protocolVersion());
                signals.opened(event.session(), recorded);
                break;
            case StreamEvent.SLOT_CREATED:
                handler.slotCreated(event.lsn());
                break;
            case StreamEvent.END:
                publishCounts();
                signals.drained();
                break;
            default:
                throw new IllegalStateException("ring event kind " + event.kind() + " (expected: 0 to 3)");
        }
        if (endOfBatch) {
            publishCounts();
        }
    }

    private void count(byte typeByte) {
        messages++;
        if (typeByte == 'I' || typeByte == 'U' || typeByte == 'D') {
            changes++;
        } else if (typeByte == 'C' || typeByte == 'c') {
            transactions++;
        }
    }

    private void publishCounts() {
        messagesApplied.lazySet(messages);
        changesApplied.lazySet(changes);
        transactionsApplied.lazySet(transactions);
    }

    /** No event for {@link ApplyHandler#IDLE_MILLIS} ms: lets the handler apply what it holds back. */
    @Override
    public void onTimeout(long sequence) throws Exception {
        handler.onIdle();
    }

    @Override
    public void onShutdown() {
        publishCounts();
        try {
            handler.close();
        } catch (Exception e) {
            LOG.warn("closing the apply handler failed: {}", e.toString(), e);
        }
    }

    long messagesApplied() {
        return messagesApplied.get();
    }

    long changesApplied() {
        return changesApplied.get();
    }

    long transactionsApplied() {
        return transactionsApplied.get();
    }
}
