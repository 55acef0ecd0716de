/**
 * {@code walferry check}: the pre-flight and assessment an operator runs before a move. It reads
 * both servers' settings and catalogs and turns what it finds into {@link io.walferry.engine.check.Finding}s
 * (a severity, a stable code, the object named, and what to do) and a per-table assessment (size,
 * rows, write rates, unused indexes), gathered in a {@link io.walferry.engine.check.CheckReport}.
 *
 * <p>It only reads: both sessions are set {@code default_transaction_read_only}, so a check can
 * never create a slot, a publication or a schema, on either side. {@link io.walferry.engine.check.Preflight}
 * runs it on the caller's thread; the rules that need nothing but settings live in
 * {@link io.walferry.engine.check.ServerChecks} so that they can be tested with any values, including
 * ones a shared test server cannot take ({@code wal_level = replica}).
 */
package io.walferry.engine.check;
