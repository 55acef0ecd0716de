/**
 * The metrics and status of a {@code replicate} run (Micrometer, exposed for Prometheus by
 * {@code io.walferry.engine.http}): {@link io.walferry.engine.metrics.PipelineMetrics} owns the
 * registry and the state behind {@code /status} and {@code /health};
 * {@link io.walferry.engine.metrics.TableChanges}, {@link io.walferry.engine.metrics.ApplyMetrics}
 * and {@link io.walferry.engine.metrics.LoadMetrics} are what the reader, the applier and the load
 * record into.
 *
 * <p>Threading: the reader thread counts decoded changes and publishes positions; the applier
 * thread counts applied changes, batches and commits; load workers only add to their own counters,
 * which are read when scraped. Meters are thread-safe; the status state is volatile fields, read
 * by the HTTP thread. Nothing on the reader's or applier's path allocates per change: per-table
 * counters are created once and cached by table name.
 */
package io.walferry.engine.metrics;
