package io.walferry.testkit.backend;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * Where a PostgreSQL server listens and how to log in to it. Parsed from either URL form
 * the kit accepts and printed back as either:
 * <ul>
 *   <li>JDBC: {@code jdbc:postgresql://host:port/database?user=u&password=p&sslmode=require}</li>
 *   <li>libpq: {@code postgresql://u:p@host:port/database?sslmode=require} (also {@code postgres://})</li>
 * </ul>
 * Only {@code user}, {@code password} and {@code sslmode} (and, in libpq URLs, {@code host},
 * {@code port}, {@code dbname}) are understood; any other parameter is rejected rather than
 * silently dropped. As with psql and pgjdbc, the user defaults to the operating-system user
 * and the database to the user's name. Messages never quote the URL, as it may hold a password.
 *
 * @param host     host name or IP address, IPv6 without brackets
 * @param port     TCP port
 * @param user     login role
 * @param password null when the server needs none
 * @param database maintenance database: where the kit connects to create test databases
 * @param sslMode  {@code sslmode} for both drivers, null for their default
 */
public record ServerAddress(String host, int port, String user, String password, String database, String sslMode) {

    /** PostgreSQL's default port. */
    public static final int DEFAULT_PORT = 5432;

    private static final Set<String> JDBC_KEYS = Set.of(
        PGProperty.PG_HOST.getName(), PGProperty.PG_PORT.getName(), PGProperty.PG_DBNAME.getName(),
        PGProperty.USER.getName(), PGProperty.PASSWORD.getName(), PGProperty.SSL_MODE.getName());
    private static final Set<String> LIBPQ_KEYS = Set.of("host", "port", "dbname", "user", "password", "sslmode");

    public ServerAddress {
        requireText(host, "host");
        requireText(user, "user");
        requireText(database, "database");
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    /**
     * Parses a JDBC or libpq URL.
     *
     * @param url         {@code jdbc:postgresql://...}, {@code postgresql://...} or {@code postgres://...}
     * @param settingName where the URL came from (e.g. {@code WALFERRY_TEST_PG_URL}), for messages
     * @throws IllegalArgumentException saying what is wrong, without quoting the URL
     */
    public static ServerAddress parse(String url, String settingName) {
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return parseJdbc(trimmed, settingName);
        }
        if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
            return parseLibpq(trimmed, settingName);
        }
        throw new IllegalArgumentException(settingName + ": not a PostgreSQL URL (expected: "
            + "jdbc:postgresql://host:port/database?user=u&password=p or postgresql://u:p@host:port/database)");
    }

    private static ServerAddress parseJdbc(String url, String settingName) {
        Properties properties = Driver.parseURL(url, new Properties());
        if (properties == null) {
            throw new IllegalArgumentException(settingName + ": the JDBC driver cannot parse this URL");
        }
        for (String key : properties.stringPropertyNames()) {
            if (!JDBC_KEYS.contains(key)) {
                throw unsupportedParameter(settingName, key);
            }
        }
        String host = properties.getProperty(PGProperty.PG_HOST.getName());
        String port = properties.getProperty(PGProperty.PG_PORT.getName());
        if (host.contains(",")) {
            throw new IllegalArgumentException(settingName + ": names several hosts (expected: one server)");
        }
        String user = orDefault(properties.getProperty(PGProperty.USER.getName()), defaultUser());
        return new ServerAddress(stripBrackets(host), parsePort(port, settingName), user,
            properties.getProperty(PGProperty.PASSWORD.getName()),
            orDefault(properties.getProperty(PGProperty.PG_DBNAME.getName()), user),
            properties.getProperty(PGProperty.SSL_MODE.getName()));
    }

    private static ServerAddress parseLibpq(String url, String settingName) {
        String rest = url.substring(url.indexOf("://") + 3);
        Map<String, String> parameters = new LinkedHashMap<>();
        int queryStart = rest.indexOf('?');
        if (queryStart >= 0) {
            parseQuery(rest.substring(queryStart + 1), parameters, settingName);
            rest = rest.substring(0, queryStart);
        }
        int pathStart = rest.indexOf('/');
        String path = pathStart >= 0 ? percentDecode(rest.substring(pathStart + 1)) : "";
        String authority = pathStart >= 0 ? rest.substring(0, pathStart) : rest;
        int at = authority.lastIndexOf('@');
        String userInfo = at >= 0 ? authority.substring(0, at) : "";
        String hostPort = at >= 0 ? authority.substring(at + 1) : authority;
        if (hostPort.contains(",")) {
            throw new IllegalArgumentException(settingName + ": names several hosts (expected: one server)");
        }
        String user = null;
        String password = null;
        if (!userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? percentDecode(userInfo.substring(colon + 1)) : null;
        }
        String host = hostPort;
        String port = null;
        int portColon = hostPort.lastIndexOf(':');
        if (portColon >= 0 && portColon > hostPort.lastIndexOf(']')) {
            host = hostPort.substring(0, portColon);
            port = hostPort.substring(portColon + 1);
        }
        String effectiveUser = orDefault(parameters.get("user"), orDefault(user, defaultUser()));
        return new ServerAddress(
            orDefault(parameters.get("host"), orDefault(stripBrackets(percentDecode(host)), "localhost")),
            parsePort(orDefault(parameters.get("port"), port), settingName),
            effectiveUser,
            orDefault(parameters.get("password"), password),
            orDefault(parameters.get("dbname"), orDefault(path, effectiveUser)),
            parameters.get("sslmode"));
    }

    private static void parseQuery(String query, Map<String, String> into, String settingName) {
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = percentDecode(equals >= 0 ? pair.substring(0, equals) : pair);
            if (!LIBPQ_KEYS.contains(key)) {
                throw unsupportedParameter(settingName, key);
            }
            into.put(key, equals >= 0 ? percentDecode(pair.substring(equals + 1)) : "");
        }
    }

    private static IllegalArgumentException unsupportedParameter(String settingName, String key) {
        return new IllegalArgumentException(settingName + ": parameter " + key
            + " is not supported (expected: user, password, sslmode)");
    }

    private static int parsePort(String port, String settingName) {
        if (port == null || port.isEmpty()) {
            return DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(settingName + ": port " + port + " is not a number", e);
        }
    }

    /** libpq and pgjdbc both log in as the operating-system user when a URL names no user. */
    private static String defaultUser() {
        return System.getProperty("user.name");
    }

    /** The JDBC URL, without credentials: {@code jdbc:postgresql://host:port/database}. */
    public String jdbcUrlWithoutCredentials(String databaseName) {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(databaseName);
    }

    /**
     * The JDBC URL with user, password (when there is one) and sslmode as parameters, usable
     * on its own with {@code DriverManager.getConnection(url)}.
     */
    public String jdbcUrl(String databaseName) {
        StringBuilder url = new StringBuilder(jdbcUrlWithoutCredentials(databaseName));
        url.append("?user=").append(encode(user));
        if (password != null) {
            url.append("&password=").append(encode(password));
        }
        if (sslMode != null) {
            url.append("&sslmode=").append(encode(sslMode));
        }
        return url.toString();
    }

    /** The libpq URL: {@code postgresql://user[:password]@host:port/database[?sslmode=...]}. */
    public String libpqUrl(String databaseName) {
        StringBuilder url = new StringBuilder("postgresql://").append(encode(user));
        if (password != null) {
            url.append(':').append(encode(password));
        }
        url.append('@').append(hostForUrl()).append(':').append(port).append('/').append(encode(databaseName));
        if (sslMode != null) {
            url.append("?sslmode=").append(encode(sslMode));
        }
        return url.toString();
    }

    /** Connection properties carrying user, password and sslmode, for the JDBC driver. */
    public Properties credentials() {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, user);
        if (password != null) {
            PGProperty.PASSWORD.set(properties, password);
        }
        if (sslMode != null) {
            PGProperty.SSL_MODE.set(properties, sslMode);
        }
        return properties;
    }

    /** {@code host:port}, IPv6 in brackets; never includes credentials. */
    public String hostAndPort() {
        return hostForUrl() + ":" + port;
    }

    @Override
    public String toString() {
        return "ServerAddress[" + user + "@" + hostAndPort() + "/" + database
            + (password == null ? "" : ", password=***") + (sslMode == null ? "" : ", sslmode=" + sslMode) + "]";
    }

    private String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Decodes {@code %XX} escapes as UTF-8; unlike URLDecoder, leaves {@code +} alone, as libpq does. */
    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '%' && isHex(text, i + 1) && isHex(text, i + 2)) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                int codePoint = text.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String text, int index) {
        return index < text.length() && Character.digit(text.charAt(index), 16) >= 0;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": missing (expected: a non-empty value)");
        }
    }
}
