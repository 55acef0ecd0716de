package io.walferry.testkit.backend;

import java.util.Locale;

/**
 * Which instance of a major version a test gets. Every version has up to two server
 * processes, so that a replication pair is always two processes even when both ends run the
 * same version: the {@link #SOURCE} instance serves {@code server(v)} and the source of
 * pairs, the {@link #TARGET} instance serves only the target of pairs.
 */
public enum ServerRole {
    SOURCE,
    TARGET;

    /** Lower-case name for logs and directory names: {@code source}, {@code target}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
