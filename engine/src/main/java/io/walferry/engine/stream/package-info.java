/**
 * The logical replication stream from a source: which pgoutput protocol version and options to ask
 * for ({@link io.walferry.engine.stream.ProtocolVersions}, {@link io.walferry.engine.stream.StreamOptions}),
 * replication slots ({@link io.walferry.engine.stream.TemporarySlot}), and the stream itself behind
 * the small {@link io.walferry.engine.stream.WalStream} interface, implemented on pgjdbc's
 * replication API by {@link io.walferry.engine.stream.LogicalStream}.
 *
 * <p>Threading: a stream, its replication connection and its slot belong to one thread, the
 * stream reader; only {@link io.walferry.engine.stream.StopSignal} is meant to be touched from
 * another thread (a shutdown hook).
 */
package io.walferry.engine.stream;
