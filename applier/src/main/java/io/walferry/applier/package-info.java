/**
 * Everything that writes the target: routing changes to lanes, batching and coalescing, set-based
 * apply, per-lane progress in the same target transaction as the data, the exact serial fallback.
 * Empty until the CDC pipeline issue; the module exists so the reactor's layout is final.
 */
package io.walferry.applier;
