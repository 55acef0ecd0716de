/**
 * What {@code walferry demo} needs beyond the engine and the {@code replicate} path it runs: two
 * embedded PostgreSQL servers started from binaries that come from Maven Central
 * ({@link io.walferry.cli.demo.DemoServer}), a sample shop with a steady write workload
 * ({@link io.walferry.cli.demo.ShopWorkload}), the progress line with the lag while changes stream
 * ({@link io.walferry.cli.demo.StreamMonitor}), and the row-by-row comparison of source and target
 * ({@link io.walferry.cli.demo.TableComparison}). The workload and the progress line have threads of
 * their own; the rest runs on the demo command's thread.
 */
package io.walferry.cli.demo;
