/**
 * Sessions on the target: connections set up for applying
 * ({@link io.walferry.applier.session.TargetConnector}: {@code session_replication_role = replica},
 * an empty {@code search_path}, auto-commit off), each applying one source transaction at a time
 * through batched prepared statements ({@link io.walferry.applier.session.TargetSession}), and the
 * progress table in the target that commits with the data
 * ({@link io.walferry.applier.session.ProgressTable}, {@code walferry.apply_progress}).
 *
 * <p>Threading: sessions and their connections belong to the applier thread.
 */
package io.walferry.applier.session;
