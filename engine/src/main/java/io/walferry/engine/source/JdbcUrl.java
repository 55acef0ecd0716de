package io.walferry.engine.source;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Parses a pgjdbc URL, {@code jdbc:postgresql://host[:port]/[database][?property=value&...]} or
 * {@code jdbc:postgresql:database}, decoding values as pgjdbc does ({@code URLDecoder}, UTF-8).
 * pgjdbc property names with a libpq equivalent ({@code user}, {@code password}, {@code sslmode},
 * {@code connectTimeout}, {@code ApplicationName}, ...) become libpq keywords; any other property is
 * passed to the driver unchanged. {@code ssl=true} without {@code sslmode} means
 * {@code verify-full}, as in pgjdbc. Only one host is supported.
 */
final class JdbcUrl {
    static final String PREFIX = "jdbc:postgresql:";

    private static final Map<String, String> LIBPQ_KEYWORDS = Map.of(
            "user", RawParameters.USER,
            "password", RawParameters.PASSWORD,
            "sslmode", RawParameters.SSLMODE,
            "sslrootcert", RawParameters.SSLROOTCERT,
            "sslcert", RawParameters.SSLCERT,
            "sslkey", RawParameters.SSLKEY,
            "connectTimeout", RawParameters.CONNECT_TIMEOUT,
            "ApplicationName", RawParameters.APPLICATION_NAME);

    private JdbcUrl() {
    }

    static boolean matches(String text) {
        return text.startsWith(PREFIX);
    }

    static RawParameters parse(String text) {
        RawParameters parameters = new RawParameters("JDBC URL");
        String rest = text.substring(PREFIX.length());
        int question = rest.indexOf('?');
        String server = question < 0 ? rest : rest.substring(0, question);
        if (server.startsWith("//")) {
            parseServer(parameters, server.substring(2));
        } else if (!server.isEmpty()) {
            parameters.put(RawParameters.DBNAME, decode(parameters, server, "database name"));
        }
        if (question >= 0) {
            parseProperties(parameters, rest.substring(question + 1));
        }
        return parameters;
    }

    private static void parseServer(RawParameters parameters, String server) {
        int slash = server.indexOf('/');
        if (slash < 0) {
            throw parameters.invalid("the source JDBC URL has no '/' after the host and port"
                    + " (expected: jdbc:postgresql://host:port/database)");
        }
        String address = server.substring(0, slash);
        String database = server.substring(slash + 1);
        if (address.indexOf(',') >= 0) {
            throw parameters.invalid("the source JDBC URL names several hosts; walferry connects to one"
                    + " (expected: jdbc:postgresql://host:port/database)");
        }
        int colon = address.lastIndexOf(':');
        String host = address;
        if (colon >= 0 && address.lastIndexOf(']') < colon) {
            host = address.substring(0, colon);
            parameters.put(RawParameters.PORT, address.substring(colon + 1));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.isEmpty()) {
            parameters.put(RawParameters.HOST, host);
        }
        if (!database.isEmpty()) {
            parameters.put(RawParameters.DBNAME, decode(parameters, database, "database name"));
        }
    }

    private static void parseProperties(RawParameters parameters, String query) {
        String ssl = null;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : decode(parameters, pair.substring(equals + 1), "value of property " + name);
            String keyword = LIBPQ_KEYWORDS.get(name);
            if (keyword != null) {
                parameters.put(keyword, value);
            } else if (name.equals("ssl")) {
                ssl = value;
            } else {
                parameters.putJdbcProperty(name, value);
            }
        }
        // pgjdbc: ssl=true (or a bare ssl) without sslmode means verify-full; ssl=false leaves the default.
        if (ssl != null && parameters.get(RawParameters.SSLMODE) == null
                && (ssl.isEmpty() || ssl.equalsIgnoreCase("true"))) {
            parameters.put(RawParameters.SSLMODE, SslMode.VERIFY_FULL.keyword());
        }
    }

    private static String decode(RawParameters parameters, String value, String what) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw parameters.invalid("invalid percent-encoding in the " + what
                    + " of the source JDBC URL (expected: '%' and two hexadecimal digits)");
        }
    }
}
