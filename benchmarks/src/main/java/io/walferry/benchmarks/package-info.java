/**
 * JMH benchmarks of walferry's hot paths, and the fixtures that drive them.
 *
 * <p>{@link io.walferry.benchmarks.PgOutputStreamBuilder} writes pgoutput messages the way a
 * walsender delivers them (Relation messages first, then Begin / row changes / Commit) into one
 * buffer with an index per message; the {@code *Workload} classes use it to build realistic streams
 * (pgbench TPC-B in text and binary format, 40-column rows, 2 KB and 64 KB values).
 * {@link io.walferry.benchmarks.DecoderBenchmark} decodes those streams with the real decoder.
 *
 * <p>Threading: every fixture is built once per JMH trial and then read by the one benchmark
 * thread that owns its state. Results are compared as ratios between runs on the same machine,
 * never as absolute numbers.
 */
package io.walferry.benchmarks;
