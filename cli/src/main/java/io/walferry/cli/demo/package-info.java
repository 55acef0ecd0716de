/**
 * What {@code walferry demo} needs beyond the engine: an embedded PostgreSQL server started from
 * binaries that come from Maven Central ({@link io.walferry.cli.demo.DemoServer}), a sample shop
 * schema with a paced write workload ({@link io.walferry.cli.demo.ShopWorkload}), and a tally of
 * the streamed messages ({@link io.walferry.cli.demo.OpTally}). Runs on the demo command's thread,
 * except the workload, which has a thread of its own.
 */
package io.walferry.cli.demo;
