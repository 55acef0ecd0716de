package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String description;

    private WalferryProcess(Process process, Path stdout, Path stderr, String description) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.description = description;
    }

    /**
     * Starts {@code java <jvmOptions> -jar walferry.jar <args>}.
     *
     * @param jvmOptions options of the child JVM, e.g. {@code -Xmx64m}
     */
    static WalferryProcess start(List<String> jvmOptions, String... args) throws IOException {
        assertThat(JAR).as("the shaded jar, built in the package phase").exists();
        List<String> command = new ArrayList<>();
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
        return new WalferryProcess(process, stdout, stderr, String.join(" ", jvmOptions) + " " + args[0]);
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
