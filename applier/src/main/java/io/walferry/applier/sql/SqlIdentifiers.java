package io.walferry.applier.sql;

/**
 * Quoting of SQL identifiers for the statements the applier writes. Every schema, table and column
 * name is double-quoted, whatever it looks like, so names with capitals, spaces, quotes or reserved
 * words reach the target exactly as the source spelled them.
 */
public final class SqlIdentifiers {
    private SqlIdentifiers() {
    }

    /** {@code name} as a quoted identifier: {@code "Order ""Lines"""}. */
    public static String quote(String name) {
        return appendQuoted(new StringBuilder(name.length() + 2), name).toString();
    }

    /** Appends {@code name} as a quoted identifier, doubling embedded quotes. */
    public static StringBuilder appendQuoted(StringBuilder out, String name) {
        out.append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        return out.append('"');
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return appendQuoted(appendQuoted(new StringBuilder(), schema).append('.'), name).toString();
    }
}
