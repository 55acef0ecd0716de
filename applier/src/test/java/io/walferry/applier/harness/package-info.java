/**
 * Test support: a source and target databases with a real pgoutput stream between them
 * ({@link io.walferry.applier.harness.ReplicationFixture}), row-by-row comparison of tables
 * ({@link io.walferry.applier.harness.TableRows}), random source workloads from a seed
 * ({@link io.walferry.applier.harness.RandomWorkload}), the apply modes a test runs against
 * ({@link io.walferry.applier.harness.ApplyMode}), delivery of a captured stream with restarts
 * ({@link io.walferry.applier.harness.RestartingDelivery}) and what a stream holds
 * ({@link io.walferry.applier.harness.StreamFacts}). Runs on the test's thread.
 */
package io.walferry.applier.harness;
