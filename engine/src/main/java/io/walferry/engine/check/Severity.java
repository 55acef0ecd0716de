package io.walferry.engine.check;

import java.util.Locale;

/** How much a {@link Finding} matters to a move. Declared in report order: blockers first. */
public enum Severity {
    /** The move cannot start, or would fail or lose changes, until this is fixed. {@code check} exits non-zero. */
    BLOCKER,
    /** The move works, but something will be slow, missing on the target, or needs the operator's attention. */
    WARNING,
    /** Worth knowing before a move; nothing to fix. */
    INFO;

    /** {@code blocker}, {@code warning}, {@code info}: the spelling of the JSON report. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
