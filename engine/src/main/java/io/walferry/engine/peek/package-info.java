/**
 * {@code walferry peek}: the operator's window onto the replication stream. A
 * {@link io.walferry.engine.peek.PeekSession} creates a temporary publication (unless one is named)
 * and a temporary slot, streams pgoutput, and prints every decoded message as one JSON object per
 * line ({@link io.walferry.engine.peek.MessageJsonWriter}); it leaves nothing behind on the source,
 * whether it stops at its limit, on a stop request or on an error.
 *
 * <p>Threading: the thread that calls {@link io.walferry.engine.peek.PeekSession#run()} is the
 * stream reader and does everything, cleanup included; another thread (a shutdown hook) may only
 * call {@link io.walferry.engine.peek.PeekSession#requestStop()} and
 * {@link io.walferry.engine.peek.PeekSession#awaitFinished(java.time.Duration)}.
 */
package io.walferry.engine.peek;
