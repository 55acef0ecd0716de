/**
 * The HTTP endpoint of {@code walferry replicate} ({@code --http}): Prometheus metrics, status and
 * health, served by Netty from {@link io.walferry.engine.metrics.PipelineMetrics}.
 *
 * <p>Threading: one Netty event-loop thread, {@code walferry-http} (a daemon), accepts connections
 * and answers requests; it only reads meters and volatile state, so it never blocks the reader or
 * the applier, and they never wait for it. {@link io.walferry.engine.http.HttpEndpoint#close()}
 * shuts the event loop down and waits for its thread.
 */
package io.walferry.engine.http;
