package io.walferry.engine.metrics;

/** The kind of a row change, as the {@code op} tag of the change counters. */
public enum ChangeOp {
    INSERT("insert"),
    UPDATE("update"),
    DELETE("delete"),
    /** Counted once per table a TRUNCATE message lists. */
    TRUNCATE("truncate");

    private final String tag;

    ChangeOp(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code op} tag. */
    public String tag() {
        return tag;
    }
}
