package io.walferry.cli.config;

/**
 * A configuration file that cannot be used: unreadable, not YAML, or holding a key or value no option
 * takes. The message names the file (and the line) and says what to fix; the command exits 2.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
        super(message);
    }
}
