package io.walferry.engine.peek;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.util.regex.Pattern;

/**
 * A {@code --tables} pattern, {@code schema.table}, each part a glob where {@code *} matches any
 * run of characters and {@code ?} one character. A pattern without a dot names tables in schema
 * {@code public}. Matching is exact otherwise and case-sensitive, against the names as stored in the
 * catalog (unquoted identifiers are stored in lower case). The first dot separates the schema from
 * the table, so the schema part cannot contain a dot.
 *
 * @param text   the pattern as given
 * @param schema the schema glob as a regular expression
 * @param table  the table glob as a regular expression
 */
public record TablePattern(String text, Pattern schema, Pattern table) {
    /** The schema of a pattern that names none. */
    public static final String DEFAULT_SCHEMA = "public";

    /**
     * Parses {@code schema.table} or {@code table}.
     *
     * @throws EngineException ({@link Failure#INVALID_INPUT}) for an empty pattern or part
     */
    public static TablePattern parse(String text) {
        int dot = text.indexOf('.');
        String schemaGlob = dot < 0 ? DEFAULT_SCHEMA : text.substring(0, dot);
        String tableGlob = dot < 0 ? text : text.substring(dot + 1);
        if (schemaGlob.isEmpty() || tableGlob.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "--tables pattern \"" + text
                    + "\" has an empty schema or table part (expected: schema.table or table, with * and ? as wildcards)");
        }
        return new TablePattern(text, toRegex(schemaGlob), toRegex(tableGlob));
    }

    /** Whether the table {@code schemaName.tableName} matches. */
    public boolean matches(String schemaName, String tableName) {
        return schema.matcher(schemaName).matches() && table.matcher(tableName).matches();
    }

    private static Pattern toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return text;
    }
}
