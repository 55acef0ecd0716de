package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/walferry.jar ...} as a child process: the built jar, a JVM of its own, so
 * that a test can end it the hard way ({@link #kill()}, a real SIGKILL) as an operator or the
 * kernel's OOM killer would. Standard output and error go to temporary files, so the child never
 * blocks on a full pipe and its log can go into assertion messages.
 */
final class WalferryProcess implements AutoCloseable {
    /** The shaded jar, built in the package phase; failsafe runs in the module's directory. */
    static final Path JAR = Path.of("target", "walferry.jar");
    /** What {@link Process#exitValue()} reports for a child ended by SIGKILL: 128 + 9. */
    static final int SIGKILL_EXIT = 128 + 9;

    /** {@code setsid} (util-linux), to give a child a process group of its own. */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String description;
    private final boolean ownGroup;

    private WalferryProcess(Process process, Path stdout, Path stderr, String description, boolean ownGroup) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.description = description;
        this.ownGroup = ownGroup;
    }

    /**
     * Starts {@code java <jvmOptions> -jar walferry.jar <args>}.
     *
     * @param jvmOptions options of the child JVM, e.g. {@code -Xmx64m}
     */
    static WalferryProcess start(List<String> jvmOptions, String... args) throws IOException {
        return start(false, jvmOptions, args);
    }

    /**
     * The same in a session and process group of its own (with {@code setsid}, where there is one),
     * so that {@link #interrupt()} can signal the group as Ctrl-C in a terminal does, without
     * reaching this JVM.
     */
    static WalferryProcess startInOwnGroup(List<String> jvmOptions, String... args) throws IOException {
        return start(Files.isExecutable(SETSID), jvmOptions, args);
    }

    private static WalferryProcess start(boolean ownGroup, List<String> jvmOptions, String... args) throws IOException {
        assertThat(JAR).as("the shaded jar, built in the package phase").exists();
        List<String> command = new ArrayList<>();
        if (ownGroup) {
            command.add(SETSID.toString()); // not a group leader here: it execs in place, the pid stays java's
        }
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("walferry-child", ".stdout");
        Path stderr = Files.createTempFile("walferry-child", ".stderr");
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        return new WalferryProcess(process, stdout, stderr, String.join(" ", jvmOptions) + " " + args[0], ownGroup);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGKILL ({@link Process#destroyForcibly()} on Linux), waits for the child to be gone and
     * returns its exit value: {@value #SIGKILL_EXIT} unless it had already exited by itself.
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("walferry (pid " + process.pid() + ") still runs 60 s after SIGKILL");
        }
        return process.exitValue();
    }

    /** Sends SIGTERM ({@link Process#destroy()} on Linux) and returns the exit code once the child is gone. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /**
     * Sends SIGINT as Ctrl-C in a terminal does: to the child's whole process group when it has one
     * of its own ({@link #startInOwnGroup}), its children that did not leave the group included;
     * else to the child alone.
     */
    void interrupt() throws IOException, InterruptedException {
        String target = ownGroup ? "-" + process.pid() : Long.toString(process.pid());
        Process kill = new ProcessBuilder("kill", "-INT", "--", target).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kill.waitFor()).as("kill -INT -- %s: %s", target, output).isZero();
    }

    /**
     * Whether the child ignores SIGINT: it inherits that from a test run started in the background
     * or under {@code nohup}, and the JVM then keeps ignoring it, as it should.
     */
    boolean ignoresSigint() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    /** What the child printed on standard output so far. */
    String stdout() {
        return read(stdout);
    }

    /** Waits until standard output holds {@code fragment}; fails when the child exits first or after {@code timeout}. */
    String awaitStdout(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String out = stdout();
            if (out.contains(fragment)) {
                return out;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("walferry did not print \"" + fragment + "\"\n" + log());
            }
            Thread.sleep(50); // polling a file: there is no event to wait on
        }
    }

    /** Waits for the child to exit by itself and returns its exit code; kills it and fails after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("walferry did not exit within " + timeout.toSeconds() + " s; killed it\n" + log());
        }
        return process.exitValue();
    }

    /** Waits up to {@code time} for the child to exit by itself; returns whether it has. */
    boolean awaitExitFor(Duration time) throws InterruptedException {
        return process.waitFor(time.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Exit value, or -1 while it runs. */
    int exitValueOrRunning() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** What the child printed on standard error (its log), for assertion messages. */
    String log() {
        return "--- walferry " + description + " (pid " + process.pid() + "), standard error:\n" + read(stderr)
                + "--- standard output:\n" + read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the child if it still runs and deletes its output files. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
    }

    /** The java launcher of this JVM, so the child runs on the same Java. */
    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
