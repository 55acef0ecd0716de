/**
 * Everything that writes the target. Today: the transactional apply mode,
 * {@link io.walferry.applier.TransactionalApplier}, an {@link io.walferry.engine.pipeline.ApplyHandler}
 * that decodes the raw pgoutput stream and applies each source transaction whole and in commit order,
 * recording its progress in the target ({@code walferry.apply_progress}) in the same transaction.
 * Failures are {@link io.walferry.applier.ApplyException}s whose
 * {@link io.walferry.applier.ApplyFailure} tells a transient failure from one that needs an operator.
 *
 * <p>Sub-packages: {@code sql} builds the statements per relation from the target's catalog;
 * {@code session} owns the target connections, batches and the progress table. Later: routing to
 * lanes, batching and coalescing, set-based apply (the batched mode).
 *
 * <p>Threading: the applier and everything it owns run on the applier thread (the ring buffer's
 * consumer); only {@link io.walferry.applier.TransactionalApplier#durableLsn()} is read from other
 * threads.
 */
package io.walferry.applier;
