package io.walferry.engine.source;

/**
 * Parses a libpq keyword/value connection string, {@code host=db1 port=5432 dbname='my db'}, as
 * libpq does: pairs separated by whitespace, optional whitespace around {@code =}, values either bare
 * or in single quotes, and a backslash escaping the next character ({@code \'}, {@code \\}) in both.
 *
 * <p>Error messages name the keyword at fault and never echo values, which may be a password.
 */
final class KeywordValueString {
    private final String text;
    private final RawParameters parameters = new RawParameters("connection string");
    private int position;

    private KeywordValueString(String text) {
        this.text = text;
    }

    static RawParameters parse(String text) {
        KeywordValueString parser = new KeywordValueString(text);
        parser.parsePairs();
        return parser.parameters;
    }

    private void parsePairs() {
        while (true) {
            skipWhitespace();
            if (position >= text.length()) {
                return;
            }
            String keyword = readKeyword();
            skipWhitespace();
            if (position >= text.length() || text.charAt(position) != '=') {
                throw parameters.invalid("missing \"=\" after \"" + keyword + "\" in the source connection string"
                        + " (expected: keyword=value pairs such as host=localhost dbname=app)");
            }
            position++;
            skipWhitespace();
            String value = position < text.length() && text.charAt(position) == '\''
                    ? readQuotedValue(keyword) : readBareValue();
            parameters.put(keyword, value);
        }
    }

    private String readKeyword() {
        int start = position;
        while (position < text.length() && text.charAt(position) != '=' && !Character.isWhitespace(text.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    private String readBareValue() {
        StringBuilder value = new StringBuilder();
        while (position < text.length() && !Character.isWhitespace(text.charAt(position))) {
            char c = text.charAt(position++);
            if (c == '\\' && position < text.length()) {
                c = text.charAt(position++);
            }
            value.append(c);
        }
        return value.toString();
    }

    private String readQuotedValue(String keyword) {
        position++;
        StringBuilder value = new StringBuilder();
        while (position < text.length()) {
            char c = text.charAt(position++);
            if (c == '\'') {
                return value.toString();
            }
            if (c == '\\' && position < text.length()) {
                c = text.charAt(position++);
            }
            value.append(c);
        }
        throw parameters.invalid("unterminated quoted value of \"" + keyword
                + "\" in the source connection string (expected: a closing single quote)");
    }

    private void skipWhitespace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }
}
