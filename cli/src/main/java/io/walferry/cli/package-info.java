/**
 * The {@code walferry} command line: one picocli {@code Callable<Integer>} per subcommand
 * ({@link io.walferry.cli.PeekCommand}), options shared as mixins ({@link io.walferry.cli.CommonOptions},
 * {@link io.walferry.cli.SourceOption}), and one place, {@link io.walferry.cli.ExitCodeMapper}, that
 * turns exceptions into the exit codes documented in {@link io.walferry.cli.ExitCodes}. Standard
 * output carries only command results (JSON lines for {@code peek}); logs and errors go to standard
 * error.
 *
 * <p>Threading: commands run on the main thread ({@code replicate}'s is the pipeline's reader; the
 * demo runs its streaming pipeline, its workload and its progress line on threads of their own, and
 * the bench its pipeline, its workload's clients and its lag sampler).
 * SIGINT and SIGTERM ({@link io.walferry.cli.StopSignals}) and a JVM shutdown hook ask a running
 * command to stop; it then finishes its cleanup.
 */
package io.walferry.cli;
