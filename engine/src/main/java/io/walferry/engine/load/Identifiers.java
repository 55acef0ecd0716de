package io.walferry.engine.load;

import java.util.List;

/** Quoting of SQL identifiers and literals for the statements the load builds. */
final class Identifiers {
    private Identifiers() {
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    /** {@code ("a", "b")}. */
    static String columnList(List<String> columns) {
        StringBuilder list = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            list.append(i == 0 ? "" : ", ").append(quote(columns.get(i)));
        }
        return list.append(')').toString();
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
