/**
 * The replication engine: everything between the source's walsender and the appliers.
 *
 * <p>This package owns what the sub-packages share: {@link io.walferry.engine.EngineException} and
 * its {@link io.walferry.engine.Failure} classification, which the command line turns into exit
 * codes. The sub-packages own one role each: {@code source} (connection settings, connecting,
 * checking the server), {@code stream} (slots, protocol negotiation, the replication stream) and
 * {@code peek} (printing the decoded stream as JSON).
 *
 * <p>Threading: nothing here is shared between threads; see each sub-package.
 */
package io.walferry.engine;
