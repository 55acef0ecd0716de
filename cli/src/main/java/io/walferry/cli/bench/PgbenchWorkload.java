package io.walferry.cli.bench;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bench's workload written by PostgreSQL's pgbench instead of the builtin generator: the same
 * transaction (the statements of {@link BenchWorkload#updateSql} and {@link BenchWorkload#insertSql},
 * the same random ranges) as a pgbench script, against the bench's own tables only, run as
 * {@code pgbench -n -M prepared -f SCRIPT -c CLIENTS -j THREADS (-t PER_CLIENT | -T SECONDS) [-R RATE]}.
 * The script lives in a temporary directory of its own (owner only) that is removed when pgbench
 * has ended.
 *
 * <p>pgbench connects with the settings walferry resolved from {@code --source}, passed in its
 * environment only ({@code PGHOST}, {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER},
 * {@code PGSSLMODE}, ...): the password, when there is one, as {@code PGPASSWORD} of the child
 * process, never on its command line or in a log; every other {@code PG*} variable of this process is
 * left out, so that pgbench reaches the same server as the same user as walferry does.
 *
 * <p>pgbench reports committed transactions only; the rows are counted from them
 * ({@link Workload#rowsPerTransaction}), each transaction of a workload writing the same number.
 *
 * <p>{@link #run} runs on the caller's thread and waits for pgbench; {@link #requestStop()} from any
 * thread ends pgbench (SIGTERM: the server rolls back the transactions it had open).
 */
public final class PgbenchWorkload {
    private static final Logger LOG = LoggerFactory.getLogger(PgbenchWorkload.class);
    private static final String APPLICATION_NAME = "walferry bench workload (pgbench)";
    private static final int SIGINT = 2;
    private static final int SIGTERM = 15;
    private static final long STOP_REQUEST_WAIT_MS = 2_000;

    private final PgbenchProgram program;
    private final Workload workload;
    private final long accounts;
    private final int clients;
    private final ConnectionSpec source;
    private volatile Process process;
    private volatile boolean stopRequested;

    public PgbenchWorkload(PgbenchProgram program, Workload workload, long accounts, int clients,
                           ConnectionSpec source) {
        this.program = program;
        this.workload = workload;
        this.accounts = accounts;
        this.clients = clients;
        this.source = source;
    }

    /** pgbench's threads ({@code -j}): one per client, up to one per processor of this machine. */
    public static int threads(int clients) {
        return Math.max(1, Math.min(clients, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Runs pgbench until it has committed {@code totalTransactions} (which the clients divide evenly:
     * the caller checks it) or for {@code durationNanos} (whole seconds), and waits for it.
     *
     * @param ratePerSecond pgbench's {@code -R} over all clients, 0 for as fast as they go
     * @return what pgbench committed; zeros when a stop was requested
     * @throws EngineException when pgbench failed: {@link Failure#CANNOT_CONNECT} when it could not
     *                         connect, else {@link Failure#SOURCE_NOT_READY}, with its error output
     */
    public BenchWorkload.Counts run(long totalTransactions, long durationNanos, double ratePerSecond)
            throws InterruptedException {
        Path directory = createDirectory();
        try {
            Path script = directory.resolve(workload.label() + ".sql");
            Files.writeString(script, script(workload, accounts), StandardCharsets.UTF_8);
            List<String> arguments = arguments(script, clients, threads(clients), totalTransactions, durationNanos,
                    ratePerSecond);
            Path stdout = directory.resolve("stdout.txt");
            Path stderr = directory.resolve("stderr.txt");
            ProcessBuilder builder = new ProcessBuilder(command(arguments)).directory(directory.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            configureEnvironment(builder.environment(), source, directory.resolve("no-password-file"));
            LOG.info("running {} {}", program.path(), String.join(" ", arguments));
            long started = System.nanoTime();
            int status = await(builder);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (stopRequested) {
                return new BenchWorkload.Counts(0, 0, seconds);
            }
            String errors = Files.readString(stderr, StandardCharsets.UTF_8);
            if (status != 0 && endedBySignal(status) && awaitStopRequest()) {
                return new BenchWorkload.Counts(0, 0, seconds);
            }
            if (status != 0) {
                throw failed(status, errors);
            }
            String output = Files.readString(stdout, StandardCharsets.UTF_8);
            long transactions = PgbenchOutput.transactionsProcessed(output);
            if (transactions < 0) {
                throw new IllegalStateException(program.path() + " exited with status 0 without the line \"number of"
                        + " transactions actually processed\": " + PgbenchOutput.shorten(output + " " + errors));
            }
            return new BenchWorkload.Counts(transactions, transactions * workload.rowsPerTransaction(accounts), seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + program.path() + " in " + directory, e);
        } finally {
            deleteDirectory(directory);
        }
    }

    /** Ends pgbench, if it runs; {@link #run} then returns zeros. Returns at once. */
    public void requestStop() {
        stopRequested = true;
        Process running = process;
        if (running != null) {
            running.destroy();
        }
    }

    private int await(ProcessBuilder builder) throws IOException, InterruptedException {
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw new EngineException(Failure.INVALID_INPUT, "cannot run " + program.path() + " (" + e.getMessage()
                    + "): give the path of PostgreSQL's pgbench with --pgbench PATH, or use --generator builtin", e);
        }
        process = started;
        started.getOutputStream().close();
        if (stopRequested) {
            started.destroy();
        }
        try {
            return started.waitFor();
        } catch (InterruptedException e) {
            started.destroy();
            throw e;
        }
    }

    /**
     * Ctrl-C in a terminal signals pgbench too (the same process group), and it may end before this
     * process's own handler has asked for the stop: that is a stop, not a failure.
     */
    private static boolean endedBySignal(int status) {
        return status == 128 + SIGINT || status == 128 + SIGTERM;
    }

    /** Whether a stop is requested within {@value #STOP_REQUEST_WAIT_MS} ms. */
    private boolean awaitStopRequest() throws InterruptedException {
        long deadline = System.nanoTime() + STOP_REQUEST_WAIT_MS * 1_000_000L;
        while (!stopRequested && System.nanoTime() - deadline < 0) {
            Thread.sleep(10); // the signal handler's thread sets a flag and has nothing to wait on
        }
        return stopRequested;
    }

    private EngineException failed(int status, String errors) {
        boolean connection = PgbenchOutput.connectionFailed(errors);
        String hint = connection
                ? "Check that libpq reaches the source with the --source settings, which pgbench is given in its"
                        + " environment (host, port, database, user, sslmode, the password): psql with the same URL"
                        + " tells; or use --generator builtin"
                : "Fix what pgbench reports (it ran the " + workload.label() + " script on the bench's tables in schema "
                        + BenchTables.SCHEMA + "), or use --generator builtin";
        return new EngineException(connection ? Failure.CANNOT_CONNECT : Failure.SOURCE_NOT_READY,
                program.path() + " exited with status " + status + " while writing the " + workload.label()
                        + " workload to the source " + source.describe() + "; its error output: "
                        + PgbenchOutput.errorExcerpt(errors) + ". " + hint + ".");
    }

    private List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(program.path().toString());
        command.addAll(arguments);
        return command;
    }

    /**
     * pgbench's script of {@code workload}: the builtin generator's statements with its {@code ?}
     * parameters as pgbench variables, drawn from the same ranges.
     */
    static String script(Workload workload, long accounts) {
        String delta = "\\set delta random(-" + BenchWorkload.MAX_DELTA + ", " + BenchWorkload.MAX_DELTA + ")\n";
        return switch (workload) {
            case OLTP -> "\\set aid random(1, " + accounts + ")\n" + delta
                    + "BEGIN;\n"
                    + bind(BenchWorkload.updateSql(workload), "delta", "aid") + ";\n"
                    + bind(BenchWorkload.insertSql(workload, accounts), "aid", "delta") + ";\n"
                    + "END;\n";
            case BULK_UPDATE -> BenchWorkload.updateSql(workload) + ";\n";
            case INSERTS -> "\\set base random(0, " + (accounts - 1) + ")\n" + delta
                    + bind(BenchWorkload.insertSql(workload, accounts), "base", "delta") + ";\n";
        };
    }

    /** {@code sql} with its {@code ?} parameters, in order, as the pgbench variables {@code names}. */
    private static String bind(String sql, String... names) {
        StringBuilder bound = new StringBuilder();
        int next = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '?') {
                bound.append(':').append(names[next++]);
            } else {
                bound.append(c);
            }
        }
        if (next != names.length) {
            throw new IllegalStateException(names.length + " variables for " + next + " parameters of " + sql);
        }
        return bound.toString();
    }

    /**
     * pgbench's arguments after the program: no vacuum of pgbench's own tables ({@code -n}, there are
     * none), prepared statements as the builtin generator's pgjdbc uses them, the script, the clients
     * and threads, then {@code -t} (per client: {@code totalTransactions / clients}) or {@code -T}, and
     * {@code -R} when throttled.
     */
    static List<String> arguments(Path script, int clients, int threads, long totalTransactions, long durationNanos,
                                  double ratePerSecond) {
        List<String> arguments = new ArrayList<>(List.of("-n", "-M", "prepared", "-f", script.toString(),
                "-c", Integer.toString(clients), "-j", Integer.toString(threads)));
        if (totalTransactions > 0) {
            arguments.addAll(List.of("-t", Long.toString(totalTransactions / clients)));
        } else {
            arguments.addAll(List.of("-T", Long.toString(durationNanos / 1_000_000_000L)));
        }
        if (ratePerSecond > 0) {
            arguments.addAll(List.of("-R", BigDecimal.valueOf(ratePerSecond).stripTrailingZeros().toPlainString()));
        }
        return arguments;
    }

    /**
     * Sets pgbench's connection in its {@code environment} (a copy of this process's): removes every
     * {@code PG*} variable, then sets those of {@code source}. Without a password, {@code PGPASSFILE}
     * names a file that does not exist: walferry already looked in the password file and found none,
     * and pgjdbc is sent none either.
     */
    static void configureEnvironment(Map<String, String> environment, ConnectionSpec source, Path noPasswordFile) {
        environment.keySet().removeIf(name -> name.startsWith("PG"));
        environment.put("PGHOST", source.host());
        environment.put("PGPORT", Integer.toString(source.port()));
        environment.put("PGDATABASE", source.database());
        environment.put("PGUSER", source.user());
        environment.put("PGSSLMODE", source.sslMode().keyword());
        putIfPresent(environment, "PGSSLROOTCERT", source.sslRootCert());
        putIfPresent(environment, "PGSSLCERT", source.sslCert());
        putIfPresent(environment, "PGSSLKEY", source.sslKey());
        environment.put("PGCONNECT_TIMEOUT", Integer.toString(source.connectTimeoutSeconds()));
        environment.put("PGAPPNAME", APPLICATION_NAME);
        putIfPresent(environment, "PGOPTIONS", source.extraJdbcProperties().get("options"));
        if (source.password() != null) {
            environment.put("PGPASSWORD", source.password());
        } else {
            environment.put("PGPASSFILE", noPasswordFile.toString());
        }
        TreeSet<String> ignored = new TreeSet<>(source.extraJdbcProperties().keySet());
        ignored.remove("options");
        if (!ignored.isEmpty()) {
            LOG.warn("pgbench connects with libpq, which has no equivalent of the pgjdbc properties {} of the --source"
                    + " JDBC URL: it connects without them", ignored);
        }
    }

    private static void putIfPresent(Map<String, String> environment, String name, String value) {
        if (value != null) {
            environment.put(name, value);
        }
    }

    private static Path createDirectory() {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                return Files.createTempDirectory("walferry-bench-pgbench-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return Files.createTempDirectory("walferry-bench-pgbench-");
        } catch (IOException e) {
            throw new UncheckedIOException("creating a temporary directory for the pgbench script", e);
        }
    }

    private static void deleteDirectory(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the pgbench script's directory {}: {}", directory, e.getMessage());
        }
    }
}
