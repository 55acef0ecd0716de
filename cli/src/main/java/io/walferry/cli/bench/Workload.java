package io.walferry.cli.bench;

import java.util.Locale;

/** What {@code walferry bench} writes to the source, one source transaction at a time. */
public enum Workload {
    /**
     * Like {@code pgbench -N} (TPC-B without the tellers and branches): per transaction one UPDATE
     * of a random account's balance and one INSERT into the history; two row changes.
     */
    OLTP("oltp", "pgbench -N: per transaction an UPDATE of a random account and an INSERT into the history"),
    /** Per transaction one UPDATE of every account: as many row changes as accounts, in one transaction. */
    BULK_UPDATE("bulk-update", "per transaction one UPDATE of every account"),
    /** Per transaction one INSERT of {@value BenchTables#ROWS_PER_INSERT} history rows. */
    INSERTS("inserts", "per transaction one INSERT of " + BenchTables.ROWS_PER_INSERT + " history rows");

    private final String label;
    private final String description;

    Workload(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** As {@code --workload} takes it and the report prints it. */
    public String label() {
        return label;
    }

    /** What one transaction does, for the report. */
    public String description() {
        return description;
    }

    /**
     * The rows one transaction inserts or updates: what the builtin generator counts as it goes, and
     * what the rows of a pgbench run are counted from (pgbench reports transactions only).
     */
    public long rowsPerTransaction(long accounts) {
        return switch (this) {
            case OLTP -> 2;
            case BULK_UPDATE -> accounts;
            case INSERTS -> BenchTables.ROWS_PER_INSERT;
        };
    }

    /** The workload named {@code text} ({@code oltp}, {@code bulk-update}, {@code inserts}), or null. */
    public static Workload parse(String text) {
        for (Workload workload : values()) {
            if (workload.label.equals(text.toLowerCase(Locale.ROOT))) {
                return workload;
            }
        }
        return null;
    }
}
