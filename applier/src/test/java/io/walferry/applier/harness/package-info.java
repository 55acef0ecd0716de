/**
 * Test support: a source and a target database with a real pgoutput stream between them
 * ({@link io.walferry.applier.harness.ReplicationFixture}), and row-by-row comparison of tables
 * ({@link io.walferry.applier.harness.TableRows}). Runs on the test's thread.
 */
package io.walferry.applier.harness;
