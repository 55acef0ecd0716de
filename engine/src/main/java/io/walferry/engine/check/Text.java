package io.walferry.engine.check;

import java.util.List;

/** How findings spell names and lists. */
final class Text {
    /** Lists longer than this are cut in messages; the JSON and the per-object findings keep every name. */
    static final int LISTED = 10;

    private Text() {
    }

    /** A quoted SQL identifier, as the fix in a message must be typed. */
    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code a, b, c}, or the first {@link #LISTED} and {@code and N more}. */
    static String list(List<String> names) {
        if (names.size() <= LISTED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, LISTED)) + " and " + (names.size() - LISTED) + " more";
    }
}
