package io.walferry.testkit;

import java.util.Objects;

/**
 * A source and a target server for a replication test. They are always two different
 * server processes, even when both run the same major version (except when an external
 * backend is pointed twice at the same server, which the kit warns about).
 *
 * @param source the server changes are read from
 * @param target the server changes are applied to
 */
public record PgPair(PgServer source, PgServer target) {

    public PgPair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }
}
