package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-format script of {@code pg_dump}, cut into the archive entries it was printed from: one
 * per object, each with the statements that create it and the session settings the script had set
 * when they ran.
 *
 * <p>Why cut it up: the load runs post-data statements in parallel jobs and records each one done
 * (so a resumed load skips it), an error should name the object that failed, and the report lists
 * what was created. pg_dump prints a comment header before every entry
 * ({@code -- Name: orders; Type: TABLE; Schema: public; Owner: -}), and before some headers the
 * {@code SET} statements that entry needs ({@code default_table_access_method}...); the preamble
 * sets the rest ({@code search_path = ''}, {@code check_function_bodies = false}...).
 *
 * <p>Headers and statement ends are found the way psql finds them, so that user text cannot fake
 * either: single-quoted strings ({@code E''} with backslash escapes), quoted identifiers, dollar
 * quotes, line and nested block comments are skipped; a {@code ;} ends a statement only outside
 * parentheses (a rule's {@code DO INSTEAD (a; b)}) and outside the {@code BEGIN ATOMIC ... END} body
 * of a {@code CREATE FUNCTION} or {@code PROCEDURE} (where {@code CASE ... END} nests); a header
 * counts only between statements. The psql commands pg_dump writes (<code>&#92;restrict</code> and
 * <code>&#92;unrestrict</code> around the script) are dropped; any other is refused.
 */
final class PgDumpScript {
    private static final Pattern HEADER = Pattern.compile(
            "-- Name: (.*); Type: ([A-Z][A-Z ]*); Schema: (.*?); Owner: .*");
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+([a-z_][a-z0-9_.]*)\\s*(?:=|\\bTO\\b)\\s*(.*?)\\s*;");
    private static final Pattern SET_CONFIG = Pattern.compile(
            "(?is)SELECT\\s+pg_catalog\\.set_config\\(\\s*'((?:[^']|'')*)'\\s*,\\s*'((?:[^']|'')*)'\\s*,\\s*false\\s*\\)\\s*;");
    /**
     * pgjdbc owns the session's encoding (it talks UTF-8 and refuses any other), and walferry has
     * pg_dump print the script in UTF-8 ({@code --encoding=UTF8}).
     */
    private static final String CLIENT_ENCODING = "client_encoding";

    /**
     * One object of the script.
     *
     * @param type       pg_dump's name for its kind: {@code TABLE}, {@code VIEW}, {@code FK CONSTRAINT}...
     * @param schema     its schema, {@code -} for objects outside schemas
     * @param name       its name as the header gives it: {@code orders}, {@code touch()},
     *                   {@code orders orders_pkey} (table and constraint), {@code FUNCTION touch()} (a comment)
     * @param settings   the settings the script had made when the entry's statements ran
     * @param statements its statements, each ending with {@code ;}
     */
    record Entry(String type, String schema, String name, Map<String, String> settings, List<String> statements) {
        Entry {
            settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            statements = List.copyOf(statements);
        }

        /** {@code public.orders}, or the name alone outside schemas. */
        String qualifiedName() {
            return schema.equals("-") ? name : schema + "." + name;
        }

        /** For logs and errors: {@code view public.customer_names}. */
        String describe() {
            return type.toLowerCase(Locale.ROOT) + " " + qualifiedName();
        }

        /**
         * The statements behind one statement that makes the entry's settings for the
         * transaction ({@code set_config(..., true)}): every statement then runs the way it would
         * in the script, in whatever session and order the load runs it. A setting the target does
         * not know (an older server than pg_dump: {@code transaction_timeout} is new in 17) is
         * left out rather than failing the statement.
         */
        String sql() {
            StringBuilder sql = new StringBuilder();
            if (!settings.isEmpty()) {
                sql.append("SELECT pg_catalog.set_config(name, value, true) FROM (VALUES ");
                boolean first = true;
                for (Map.Entry<String, String> setting : settings.entrySet()) {
                    sql.append(first ? "" : ", ").append('(').append(Identifiers.literal(setting.getKey()))
                            .append(", ").append(Identifiers.literal(setting.getValue())).append(')');
                    first = false;
                }
                sql.append(") AS s (name, value) WHERE pg_catalog.current_setting(name, true) IS NOT NULL;\n");
            }
            return sql.append(String.join("\n", statements)).toString();
        }
    }

    private final List<Entry> entries;

    private PgDumpScript(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The entries, in the script's order (pg_dump orders them so that each follows what it needs). */
    List<Entry> entries() {
        return entries;
    }

    /**
     * Cuts {@code script} into entries.
     *
     * @throws EngineException when the script holds something walferry cannot run faithfully: a
     *         statement before the first header, a psql command other than {@code \restrict}, an
     *         unterminated quote
     */
    static PgDumpScript parse(String script) {
        return new Parser(script).parse();
    }

    /** The lexer: one pass over the script, statement by statement. */
    private static final class Parser {
        private final String script;
        private final List<Entry> entries = new ArrayList<>();
        private Map<String, String> settings = new LinkedHashMap<>();
        private String type;
        private String schema;
        private String name;
        private Map<String, String> entrySettings;
        private final List<String> entryStatements = new ArrayList<>();

        private int position;
        private int statementStart;
        private boolean started;
        private int parenDepth;
        private int beginDepth;
        private final String[] firstWords = new String[4];
        private int wordCount;

        Parser(String script) {
            this.script = script;
        }

        PgDumpScript parse() {
            statementStart = 0;
            while (position < script.length()) {
                if (!started && atLineStart() && lineOfItsOwn()) {
                    continue;
                }
                char c = script.charAt(position);
                if (c == '-' && next() == '-') {
                    position = lineEnd(position);
                } else if (c == '/' && next() == '*') {
                    blockComment();
                } else if (Character.isWhitespace(c)) {
                    position++;
                } else {
                    if (!started) {
                        started = true;
                        statementStart = position;
                    }
                    token(c);
                }
            }
            if (started) {
                throw refused("the script ends inside a statement: " + abbreviate(script.substring(statementStart)));
            }
            finishEntry();
            return new PgDumpScript(entries);
        }

        /** A header or a psql command, which take a line of their own between statements. */
        private boolean lineOfItsOwn() {
            int end = lineEnd(position);
            String line = script.substring(position, end);
            if (line.startsWith("-- Name: ")) {
                Matcher header = HEADER.matcher(line);
                if (!header.matches()) {
                    throw refused("a header walferry cannot read: " + line);
                }
                finishEntry();
                name = header.group(1);
                type = header.group(2);
                schema = header.group(3);
                position = end;
                return true;
            }
            if (line.startsWith("\\")) {
                if (!line.startsWith("\\restrict ") && !line.startsWith("\\unrestrict ")) {
                    throw refused("a psql command walferry cannot run: " + line);
                }
                position = end;
                return true;
            }
            return false;
        }

        private void token(char c) {
            switch (c) {
                case '\'':
                    position = quoted(position, '\'', false);
                    break;
                case '"':
                    position = quoted(position, '"', false);
                    break;
                case '$':
                    dollar();
                    break;
                case '(':
                    parenDepth++;
                    position++;
                    break;
                case ')':
                    parenDepth--;
                    position++;
                    break;
                case ';':
                    position++;
                    if (parenDepth <= 0 && beginDepth == 0) {
                        statement(script.substring(statementStart, position));
                    }
                    break;
                default:
                    if (identifierStart(c)) {
                        word();
                    } else {
                        position++;
                    }
            }
        }

        /**
         * A word: a keyword or identifier, or the {@code E} of an escape string. Tracks
         * {@code BEGIN}/{@code CASE}/{@code END} inside {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE},
         * the only statements whose {@code ;} may sit inside a body without quotes.
         */
        private void word() {
            int start = position;
            while (position < script.length() && identifierPart(script.charAt(position))) {
                position++;
            }
            String word = script.substring(start, position).toLowerCase(Locale.ROOT);
            if (word.equals("e") && position < script.length() && script.charAt(position) == '\'') {
                position = quoted(position, '\'', true);
                return;
            }
            if (wordCount < firstWords.length) {
                firstWords[wordCount] = word;
            }
            wordCount++;
            if (!routine() || parenDepth > 0) {
                return;
            }
            if (word.equals("begin")) {
                beginDepth++;
            } else if (word.equals("case") && beginDepth > 0) {
                beginDepth++;
            } else if (word.equals("end") && beginDepth > 0) {
                beginDepth--;
            }
        }

        private boolean routine() {
            if (!"create".equals(firstWords[0])) {
                return false;
            }
            return isRoutineWord(firstWords[1])
                    || "or".equals(firstWords[1]) && "replace".equals(firstWords[2]) && isRoutineWord(firstWords[3]);
        }

        private static boolean isRoutineWord(String word) {
            return "function".equals(word) || "procedure".equals(word);
        }

        /** {@code $tag$...$tag$}; a {@code $} that opens no quote ({@code $1}) is an ordinary character. */
        private void dollar() {
            int tagEnd = position + 1;
            while (tagEnd < script.length() && script.charAt(tagEnd) != '$' && identifierPart(script.charAt(tagEnd))) {
                tagEnd++;
            }
            boolean opens = tagEnd < script.length() && script.charAt(tagEnd) == '$'
                    && (tagEnd == position + 1 || !Character.isDigit(script.charAt(position + 1)));
            if (!opens) {
                position++;
                return;
            }
            String tag = script.substring(position, tagEnd + 1);
            int close = script.indexOf(tag, tagEnd + 1);
            if (close < 0) {
                throw refused("a dollar quote " + tag + " that does not end: "
                        + abbreviate(script.substring(statementStart)));
            }
            position = close + tag.length();
        }

        /** Skips a quoted string or identifier starting at {@code start}; returns the position after it. */
        private int quoted(int start, char quote, boolean backslashEscapes) {
            int i = start + 1;
            while (i < script.length()) {
                char c = script.charAt(i);
                if (backslashEscapes && c == '\\') {
                    i += 2;
                } else if (c == quote) {
                    if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                        i += 2;
                    } else {
                        return i + 1;
                    }
                } else {
                    i++;
                }
            }
            throw refused("a quoted " + (quote == '"' ? "identifier" : "string") + " that does not end: "
                    + abbreviate(script.substring(start)));
        }

        /** PostgreSQL's block comments nest. */
        private void blockComment() {
            int depth = 0;
            while (position < script.length()) {
                if (script.startsWith("/*", position)) {
                    depth++;
                    position += 2;
                } else if (script.startsWith("*/", position)) {
                    depth--;
                    position += 2;
                    if (depth == 0) {
                        return;
                    }
                } else {
                    position++;
                }
            }
            throw refused("a comment that does not end");
        }

        private void statement(String text) {
            started = false;
            parenDepth = 0;
            beginDepth = 0;
            wordCount = 0;
            Arrays.fill(firstWords, null);
            if (setting(text)) {
                return;
            }
            if (type == null) {
                throw refused("a statement before the first object: " + abbreviate(text));
            }
            if (entrySettings == null) {
                entrySettings = settings;
            }
            entryStatements.add(text);
        }

        /** A {@code SET} or {@code set_config}: it changes the settings of the statements after it. */
        private boolean setting(String text) {
            Matcher set = SET.matcher(text);
            Matcher setConfig = SET_CONFIG.matcher(text);
            String parameter;
            String value;
            if (set.matches()) {
                parameter = set.group(1).toLowerCase(Locale.ROOT);
                value = settingValue(set.group(2));
            } else if (setConfig.matches()) {
                parameter = setConfig.group(1).replace("''", "'").toLowerCase(Locale.ROOT);
                value = setConfig.group(2).replace("''", "'");
            } else {
                return false;
            }
            if (!parameter.equals(CLIENT_ENCODING)) {
                // Copied, not changed: the entries seen so far keep the settings they ran with.
                settings = new LinkedHashMap<>(settings);
                settings.put(parameter, value);
            }
            return true;
        }

        /** {@code 0}, {@code on}, {@code 'UTF8'} or {@code "My AM"} as the value set_config takes. */
        private static String settingValue(String text) {
            if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
                return text.substring(1, text.length() - 1).replace("''", "'");
            }
            if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
                return text.substring(1, text.length() - 1).replace("\"\"", "\"");
            }
            return text;
        }

        private void finishEntry() {
            if (type != null && !entryStatements.isEmpty()) {
                entries.add(new Entry(type, schema, name, entrySettings, entryStatements));
            }
            type = null;
            entrySettings = null;
            entryStatements.clear();
        }

        private boolean atLineStart() {
            return position == 0 || script.charAt(position - 1) == '\n';
        }

        private char next() {
            return position + 1 < script.length() ? script.charAt(position + 1) : 0;
        }

        private int lineEnd(int from) {
            int end = script.indexOf('\n', from);
            return end < 0 ? script.length() : end;
        }

        private static boolean identifierStart(char c) {
            return Character.isLetter(c) || c == '_' || c >= 0x80;
        }

        private static boolean identifierPart(char c) {
            return identifierStart(c) || Character.isDigit(c) || c == '$';
        }

        private static String abbreviate(String text) {
            String line = text.strip().replace('\n', ' ');
            return line.length() <= 200 ? line : line.substring(0, 200) + "...";
        }

        private static EngineException refused(String what) {
            return new EngineException(Failure.SOURCE_NOT_READY, "pg_dump's script has " + what + "; use the"
                    + " built-in schema copy (--pg-dump none), and please report this to the walferry project");
        }
    }
}
