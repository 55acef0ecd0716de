package io.walferry.engine.check;

import java.util.Objects;

/**
 * One result of a check: {@code wal_level} is not {@code logical}, a table cannot be replicated, an
 * index is never used.
 *
 * @param severity how much it matters
 * @param code     a stable, lower-case identifier of the check that found it ({@code wal_level},
 *                 {@code replica_identity}, ...): scripts match on it, so it never changes once
 *                 released; {@code docs/check.md} lists them all
 * @param object   what it is about, as the operator would name it: a quoted table or index name, a
 *                 setting, a server; empty when it is about the move as a whole
 * @param message  one paragraph: what was found, why it matters, and the fix
 */
public record Finding(Severity severity, String code, String object, String message) {

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(message, "message");
    }

    static Finding blocker(String code, String object, String message) {
        return new Finding(Severity.BLOCKER, code, object, message);
    }

    static Finding warning(String code, String object, String message) {
        return new Finding(Severity.WARNING, code, object, message);
    }

    static Finding info(String code, String object, String message) {
        return new Finding(Severity.INFO, code, object, message);
    }
}
