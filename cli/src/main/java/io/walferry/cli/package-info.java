/**
 * The {@code walferry} command line: one picocli {@code Callable<Integer>} per subcommand
 * ({@link io.walferry.cli.PeekCommand}), options shared as mixins ({@link io.walferry.cli.CommonOptions},
 * {@link io.walferry.cli.SourceOption}), and one place, {@link io.walferry.cli.ExitCodeMapper}, that
 * turns exceptions into the exit codes documented in {@link io.walferry.cli.ExitCodes}. Standard
 * output carries only command results (JSON lines for {@code peek}); logs and errors go to standard
 * error.
 *
 * <p>Threading: commands run on the main thread; the only other thread is a JVM shutdown hook that
 * asks a running command to stop and waits for its cleanup.
 */
package io.walferry.cli;
