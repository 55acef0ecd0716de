package io.walferry.engine.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.ExceptionHandler;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier's exception handler: records the failure for the reader and halts the processor, so
 * the failed event and everything after it are never handed on, and the durable LSN (and so the
 * slot) stays at the last transaction the handler committed. A handler that logged and continued
 * would skip the event and confirm past it; this one never continues.
 */
final class HaltingExceptionHandler implements ExceptionHandler<StreamEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(HaltingExceptionHandler.class);

    private final ApplierSignals signals;
    private final ApplyHandler handler;
    private BatchEventProcessor<StreamEvent> processor;

    HaltingExceptionHandler(ApplierSignals signals, ApplyHandler handler) {
        this.signals = signals;
        this.handler = handler;
    }

    void haltsProcessor(BatchEventProcessor<StreamEvent> eventProcessor) {
        this.processor = eventProcessor;
    }

    @Override
    public void handleEventException(Throwable e, long sequence, StreamEvent event) {
        long durable = handler.durableLsn();
        signals.failed(new ApplyFailedException(describe(event) + " failed: " + reason(e)
                + "; the pipeline stopped, and the source's slot stays at or below the last durable transaction "
                + Lsn.format(durable), e, durable));
        processor.halt();
    }

    private static String describe(StreamEvent event) {
        switch (event.kind()) {
            case StreamEvent.OPEN:
                return "opening the apply handler (pgoutput protocol version " + event.protocolVersion() + ")";
            case StreamEvent.MESSAGE:
                // The handler may batch changes, so the failing change can be an earlier one that this
                // message made it write; the cause names the change itself.
                MessageType type = MessageType.fromTypeByte(event.typeByte());
                return "applying the stream up to the " + (type == null ? "unknown" : type.displayName())
                        + " message at LSN " + Lsn.format(event.lsn());
            default:
                return "the applier";
        }
    }

    private static String reason(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    @Override
    public void handleOnStartException(Throwable e) {
        signals.failed(new ApplyFailedException("starting the applier failed: " + reason(e), e,
                handler.durableLsn()));
        processor.halt();
    }

    @Override
    public void handleOnShutdownException(Throwable e) {
        LOG.warn("the applier failed while stopping: {}", e.toString(), e);
    }
}
