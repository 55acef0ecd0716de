package io.walferry.engine.source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Parses a libpq connection URI, {@code postgresql://[user[:password]@][host][:port][/dbname][?key=value&...]}
 * (also {@code postgres://}), as libpq does: every component is percent-decoded, an IPv6 host is
 * written in brackets ({@code [::1]}), and query parameters are libpq keywords, with {@code ssl=true}
 * meaning {@code sslmode=require}. Only one host is supported.
 *
 * <p>Error messages name the component at fault and never echo the URI, which may hold a password.
 */
final class LibpqUri {
    static final String SCHEME = "postgresql://";
    static final String SHORT_SCHEME = "postgres://";

    private final String text;
    private final RawParameters parameters = new RawParameters("URL");
    private int position;

    private LibpqUri(String text, int start) {
        this.text = text;
        this.position = start;
    }

    static boolean matches(String text) {
        return text.startsWith(SCHEME) || text.startsWith(SHORT_SCHEME);
    }

    static RawParameters parse(String text) {
        int start = text.startsWith(SCHEME) ? SCHEME.length() : SHORT_SCHEME.length();
        LibpqUri uri = new LibpqUri(text, start);
        uri.parseCredentials();
        uri.parseHostAndPort();
        uri.parseDatabase();
        uri.parseQuery();
        return uri.parameters;
    }

    private void parseCredentials() {
        int at = -1;
        for (int i = position; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '@') {
                at = i;
                break;
            }
            if (c == '/' || c == '?') {
                break;
            }
        }
        if (at < 0) {
            return;
        }
        int colon = text.indexOf(':', position);
        if (colon >= 0 && colon < at) {
            parameters.put(RawParameters.USER, decode(text.substring(position, colon), "user name"));
            parameters.put(RawParameters.PASSWORD, decode(text.substring(colon + 1, at), "password"));
        } else {
            parameters.put(RawParameters.USER, decode(text.substring(position, at), "user name"));
        }
        position = at + 1;
    }

    private void parseHostAndPort() {
        String host;
        if (position < text.length() && text.charAt(position) == '[') {
            int close = text.indexOf(']', position);
            if (close < 0) {
                throw parameters.invalid("the source URL has an IPv6 host without its closing ']'"
                        + " (expected: postgresql://user@[::1]:5432/db)");
            }
            host = text.substring(position + 1, close);
            if (host.isEmpty()) {
                throw parameters.invalid("the source URL has an empty IPv6 host '[]'");
            }
            position = close + 1;
            if (position < text.length() && ":/?,".indexOf(text.charAt(position)) < 0) {
                throw parameters.invalid("unexpected character '" + text.charAt(position)
                        + "' after the IPv6 host [" + host + "] in the source URL (expected: ':port', '/dbname' or '?')");
            }
        } else {
            host = decode(text.substring(position, scanTo(":/?,")), "host");
            position = scanTo(":/?,");
        }
        if (!host.isEmpty()) {
            parameters.put(RawParameters.HOST, host);
        }
        if (position < text.length() && text.charAt(position) == ':') {
            position++;
            int end = scanTo("/?,");
            parameters.put(RawParameters.PORT, decode(text.substring(position, end), "port"));
            position = end;
        }
        if (position < text.length() && text.charAt(position) == ',') {
            throw parameters.invalid("the source URL names several hosts; walferry connects to one"
                    + " (expected: postgresql://user@host:port/db)");
        }
    }

    private void parseDatabase() {
        if (position < text.length() && text.charAt(position) == '/') {
            position++;
            int end = scanTo("?");
            String database = decode(text.substring(position, end), "database name");
            if (!database.isEmpty()) {
                parameters.put(RawParameters.DBNAME, database);
            }
            position = end;
        }
    }

    private void parseQuery() {
        if (position >= text.length()) {
            return;
        }
        if (text.charAt(position) != '?') {
            throw parameters.invalid("unexpected character '" + text.charAt(position)
                    + "' in the source URL (expected: '/dbname' or '?key=value')");
        }
        for (String pair : text.substring(position + 1).split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw parameters.invalid("query parameter \"" + decode(pair, "parameter name")
                        + "\" in the source URL has no value (expected: key=value)");
            }
            String key = decode(pair.substring(0, equals), "parameter name");
            String value = decode(pair.substring(equals + 1), "value of parameter " + key);
            if (key.equals("ssl")) {
                if (!value.equals("true")) {
                    throw parameters.invalid("ssl=" + value + " in the source URL (expected: ssl=true, or use sslmode)");
                }
                if (parameters.get(RawParameters.SSLMODE) == null) {
                    parameters.put(RawParameters.SSLMODE, SslMode.REQUIRE.keyword());
                }
            } else {
                parameters.put(key, value);
            }
        }
    }

    private int scanTo(String stops) {
        int i = position;
        while (i < text.length() && stops.indexOf(text.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    /** Percent-decodes one component into UTF-8 text; {@code what} names it in errors (never the value). */
    private String decode(String component, String what) {
        if (component.indexOf('%') < 0) {
            return component;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(component.length());
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c != '%') {
                int codePoint = component.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint) - 1;
                continue;
            }
            int high = i + 2 < component.length() ? Character.digit(component.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(component.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw parameters.invalid("invalid percent-encoding in the " + what
                        + " of the source URL (expected: '%' and two hexadecimal digits)");
            }
            int value = high * 16 + low;
            if (value == 0) {
                throw parameters.invalid("%00 in the " + what + " of the source URL (expected: no NUL bytes)");
            }
            bytes.write(value);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
