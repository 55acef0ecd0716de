package io.walferry.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Options every walferry command has: {@code --verbose}. Mixed into each command with {@code @Mixin}. */
final class CommonOptions {
    static final String VERBOSE = "--verbose";

    @Option(names = {"-v", VERBOSE}, description = "Log at DEBUG level and print stack traces with errors.")
    boolean verbose;

    /** Applies {@code --verbose} to logging: DEBUG for walferry's own loggers. */
    void applyLogging() {
        if (verbose && LoggerFactory.getLogger("io.walferry") instanceof ch.qos.logback.classic.Logger) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.walferry")).setLevel(Level.DEBUG);
        }
    }
}
