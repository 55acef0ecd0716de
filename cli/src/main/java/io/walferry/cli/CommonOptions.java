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

    /**
     * Lowers walferry's INFO lines to WARN, where a command's own output would drown in them (the
     * demo, the bench), except those of the loggers named; returns what puts the levels back (tests
     * run several commands in one JVM).
     */
    static Runnable quietLogs(String... keptAtInfo) {
        if (!(LoggerFactory.getLogger("io.walferry") instanceof ch.qos.logback.classic.Logger walferry)) {
            return () -> { };
        }
        Level walferryLevel = walferry.getLevel();
        Level[] keptLevels = new Level[keptAtInfo.length];
        walferry.setLevel(Level.WARN);
        for (int i = 0; i < keptAtInfo.length; i++) {
            if (LoggerFactory.getLogger(keptAtInfo[i]) instanceof ch.qos.logback.classic.Logger kept) {
                keptLevels[i] = kept.getLevel();
                kept.setLevel(Level.INFO);
            }
        }
        return () -> {
            walferry.setLevel(walferryLevel);
            for (int i = 0; i < keptAtInfo.length; i++) {
                if (LoggerFactory.getLogger(keptAtInfo[i]) instanceof ch.qos.logback.classic.Logger kept) {
                    kept.setLevel(keptLevels[i]);
                }
            }
        };
    }
}
