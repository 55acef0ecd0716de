package io.walferry.engine.schema;

import java.util.Collection;
import java.util.StringJoiner;

/**
 * Quoting for the DDL this package writes. Every identifier is double-quoted, whatever it looks
 * like, so that mixed case, spaces, embedded quotes, reserved words and non-ASCII names reach the
 * target exactly as the source spelled them. Literals assume {@code standard_conforming_strings = on}
 * (the default since PostgreSQL 9.1), so only the single quote needs doubling.
 */
final class Sql {
    private Sql() {
    }

    /** {@code name} as a quoted identifier: {@code "Order ""Lines"""}. */
    static String ident(String name) {
        StringBuilder out = new StringBuilder(name.length() + 2).append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    /** {@code text} as a string literal: {@code 'it''s'}. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The quoted identifiers of {@code names}, separated by commas: {@code "a", "b"}. */
    static String identList(Collection<String> names) {
        StringJoiner joined = new StringJoiner(", ");
        for (String name : names) {
            joined.add(ident(name));
        }
        return joined.toString();
    }

    /** A PostgreSQL array literal of oids, {@code {1,2,3}}, to bind as {@code ?::oid[]}. */
    static String oidArray(Collection<Long> oids) {
        StringJoiner joined = new StringJoiner(",", "{", "}");
        for (long oid : oids) {
            joined.add(Long.toString(oid));
        }
        return joined.toString();
    }
}
