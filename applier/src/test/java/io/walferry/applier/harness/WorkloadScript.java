package io.walferry.applier.harness;

import io.walferry.applier.harness.RandomWorkload.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The statements of a {@link RandomWorkload} as they are generated, and what its table generators
 * share: the seed's random numbers, values for columns, and the tally of operations.
 */
final class WorkloadScript {
    /** Text values that trip up quoting and COPY formats: quotes, backslash, tab, newline, {@code \N}, NULL. */
    private static final String[] WORDS = {"plain", "", "it's", "back\\slash", "tab\there", "new\nline",
        "ünïcödé ✓", "NULL", "\\N", "comma,semi;colon", "  spaced  ", "\"quoted\"", "{\"not\": \"json\"}"};
    /** md5 digests (32 hex digits each) in a big value: 3.2 kB, which pglz cannot shrink by a quarter. */
    private static final int BIG_VALUE_MD5S = 100;

    final Random random;
    private final String salt;
    private final List<String> statements = new ArrayList<>();
    private final EnumMap<Op, Integer> operations = new EnumMap<>(Op.class);
    private int changes;
    private int nextBig = 1;
    private boolean inTransaction;

    WorkloadScript(long seed) {
        this.random = new Random(seed);
        this.salt = Long.toHexString(seed);
    }

    List<String> statements() {
        return Collections.unmodifiableList(statements);
    }

    Map<Op, Integer> operations() {
        return Collections.unmodifiableMap(operations);
    }

    /** Data-changing statements so far. */
    int changes() {
        return changes;
    }

    /** Adds a statement that changes data, counted as {@code op}. */
    void change(Op op, String statement) {
        emit(statement);
        count(op);
        changes++;
    }

    void count(Op op) {
        operations.merge(op, 1, Integer::sum);
    }

    /** Adds a statement; BEGIN, COMMIT and ROLLBACK open and end the transaction in progress. */
    void emit(String statement) {
        statements.add(statement);
        if (statement.equals("BEGIN")) {
            inTransaction = true;
        } else if (statement.equals("COMMIT") || statement.equals("ROLLBACK")) {
            inTransaction = false;
        }
    }

    /** Runs {@code body} in a transaction of its own unless one is open (the caller's BEGIN). */
    void inTransaction(Runnable body) {
        boolean ownTransaction = !inTransaction;
        if (ownTransaction) {
            emit("BEGIN");
        }
        body.run();
        if (ownTransaction) {
            emit("COMMIT");
        }
    }

    /** A text value over 2 kB that is stored out of line (TOAST); different each time. */
    String bigValue() {
        return bigValueOf("'" + (nextBig++) + "'");
    }

    /** A big value computed from the SQL expression {@code variant}: the same variant gives the same value. */
    String bigValueOf(String variant) {
        return "(SELECT string_agg(md5('" + salt + ":' || " + variant + " || ':' || i), '') FROM generate_series(1, "
                + BIG_VALUE_MD5S + ") i)";
    }

    /** A short text value as an SQL literal, or NULL now and then. */
    String word() {
        return random.nextInt(8) == 0 ? "NULL" : literal(pick(WORDS));
    }

    String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** {@code value} as an SQL string literal (standard_conforming_strings: only quotes are doubled). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
