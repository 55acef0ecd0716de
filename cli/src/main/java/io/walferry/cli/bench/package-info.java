/**
 * What {@code walferry bench} needs beyond the {@code replicate} path it runs: its tables on both
 * servers and their comparison ({@link io.walferry.cli.bench.BenchTables}), the workload generator
 * ({@link io.walferry.cli.bench.BenchWorkload}, {@link io.walferry.cli.bench.Workload}) or pgbench in
 * its place ({@link io.walferry.cli.bench.PgbenchWorkload}, {@link io.walferry.cli.bench.PgbenchProgram}),
 * the lag sampler ({@link io.walferry.cli.bench.LagSampler}), PostgreSQL's own subscription for
 * {@code --compare-native} ({@link io.walferry.cli.bench.NativeSubscription}) and the report, as a
 * table or JSON ({@link io.walferry.cli.bench.BenchReport}). The workload's clients and the lag
 * sampler run on threads of their own, pgbench in a process of its own; the rest on the bench
 * command's thread.
 * {@code io.walferry.cli.BenchRun} puts them together.
 */
package io.walferry.cli.bench;
