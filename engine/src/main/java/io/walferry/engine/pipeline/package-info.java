/**
 * The replication pipeline runtime: from the source's persistent slot to an
 * {@link io.walferry.engine.pipeline.ApplyHandler}, exactly once across restarts.
 *
 * <p>This package owns the pipeline's source objects (publication and slot
 * {@code walferry_<pipeline>}: {@code PipelinePublication},
 * {@link io.walferry.engine.pipeline.SlotPolicy}, {@code SlotStream}),
 * the reader loop ({@code StreamReader}), the Disruptor ring buffer of
 * preallocated {@code StreamEvent}s between reader and applier
 * ({@code ApplyRing}), the LSN confirmed to the source
 * ({@code ConfirmedPosition}, which states the feedback rule), reconnects,
 * the progress line, and the record of the last failure in the target
 * ({@link io.walferry.engine.pipeline.LastError}, for {@code walferry status}).
 * {@link io.walferry.engine.pipeline.ReplicationPipeline} puts them together;
 * {@link io.walferry.engine.pipeline.PipelineConfig} and
 * {@link io.walferry.engine.pipeline.PipelineResult} are its input and output.
 *
 * <p>Threading:
 * <ul>
 *   <li>The <b>reader</b> thread is the caller of {@link io.walferry.engine.pipeline.ReplicationPipeline#run()}:
 *       source SQL connections, the replication connection, decoding for transaction boundaries,
 *       publishing into the ring, status updates, progress logging, reconnects and shutdown.
 *       {@code SessionStarter}, {@code StreamReader}, {@code TransactionTracker},
 *       {@code ConfirmedPosition}, {@code ProgressLog} and {@code SlotStream} are used by it alone.</li>
 *   <li>The <b>applier</b> thread ({@code walferry-apply-<pipeline>}) is the ring's only consumer: it
 *       alone calls the handler's {@code open}, {@code onMessage} and {@code close}
 *       ({@code ApplyStage}, {@code HaltingExceptionHandler}).</li>
 *   <li>{@code ApplierSignals} is the monitor between the two; the handler's {@code durableLsn()} is
 *       read by the reader. Any thread may call
 *       {@link io.walferry.engine.pipeline.ReplicationPipeline#requestStop()}.</li>
 * </ul>
 */
package io.walferry.engine.pipeline;
