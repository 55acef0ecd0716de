package io.walferry.engine.source;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * Everything needed to connect to one PostgreSQL server, with every default already applied. Parse
 * one with {@link #parse(String)}; turn it into pgjdbc terms with {@link #jdbcUrl()} and
 * {@link #jdbcProperties()} (or {@link #replicationProperties()} for a walsender connection).
 *
 * <p>{@link #toString()} is {@link #redacted()}: it never contains the password, and neither do
 * {@link #jdbcUrl()} or {@link #describe()}, so any of them may be logged or put in an error message.
 *
 * @param host                  host name or IP address (an IPv6 address without brackets)
 * @param port                  TCP port
 * @param database              database name
 * @param user                  user name
 * @param password              password, or {@code null} when none was found
 * @param passwordSource        where the password came from
 * @param sslMode               libpq {@code sslmode}
 * @param sslRootCert           {@code sslrootcert} path, or {@code null}
 * @param sslCert               {@code sslcert} path, or {@code null}
 * @param sslKey                {@code sslkey} path, or {@code null}
 * @param connectTimeoutSeconds connection timeout in seconds, 0 for none
 * @param applicationName       {@code application_name} shown in {@code pg_stat_activity}
 * @param extraJdbcProperties   further pgjdbc properties from a JDBC URL
 */
public record ConnectionSpec(String host, int port, String database, String user, String password,
                             PasswordSource passwordSource, SslMode sslMode, String sslRootCert, String sslCert,
                             String sslKey, int connectTimeoutSeconds, String applicationName,
                             Map<String, String> extraJdbcProperties) {
    public static final int DEFAULT_PORT = 5432;
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    public static final String DEFAULT_APPLICATION_NAME = "walferry";

    public ConnectionSpec {
        extraJdbcProperties = Map.copyOf(extraJdbcProperties);
    }

    /** Parses a connection string with this process's environment; see {@link ConnectionStrings}. */
    public static ConnectionSpec parse(String connectionString) {
        return ConnectionStrings.parse(connectionString, SourceEnvironment.system());
    }

    /** The same server with another {@code application_name}. */
    public ConnectionSpec withApplicationName(String name) {
        return new ConnectionSpec(host, port, database, user, password, passwordSource, sslMode, sslRootCert,
                sslCert, sslKey, connectTimeoutSeconds, name, extraJdbcProperties);
    }

    /** {@code host:port}, with an IPv6 host in brackets: {@code [::1]:5432}. */
    public String hostAndPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The pgjdbc URL: server and database only; credentials and options go in the properties. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostAndPort() + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /**
     * pgjdbc properties for an ordinary connection, password included. An absent password is sent
     * as empty rather than left out, so that pgjdbc does not read a password file that walferry
     * chose to ignore.
     */
    public Properties jdbcProperties() {
        Properties properties = new Properties();
        properties.putAll(extraJdbcProperties);
        properties.setProperty("user", user);
        properties.setProperty("password", password == null ? "" : password);
        properties.setProperty("sslmode", sslMode.keyword());
        putIfPresent(properties, "sslrootcert", sslRootCert);
        putIfPresent(properties, "sslcert", sslCert);
        putIfPresent(properties, "sslkey", sslKey);
        properties.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        properties.setProperty("ApplicationName", applicationName);
        return properties;
    }

    /**
     * pgjdbc properties for a logical replication connection to the database: walsender protocol,
     * simple query mode (the walsender has no extended protocol) and TCP keepalives.
     */
    public Properties replicationProperties() {
        Properties properties = jdbcProperties();
        properties.setProperty("replication", "database");
        properties.setProperty("assumeMinServerVersion", "10");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("tcpKeepAlive", "true");
        // The walsender renders text values with its own session's settings: pin the ones a reader
        // of that text depends on (pgjdbc already sends DateStyle=ISO and extra_float_digits=3).
        // An interval in sql_standard style, or bytea in escape format, would read back wrongly.
        String pinned = "-c IntervalStyle=postgres -c bytea_output=hex";
        String options = properties.getProperty("options");
        properties.setProperty("options", options == null || options.isBlank() ? pinned : options + " " + pinned);
        return properties;
    }

    private static void putIfPresent(Properties properties, String name, String value) {
        if (value != null) {
            properties.setProperty(name, value);
        }
    }

    /** A libpq URL of this server without the password, e.g. {@code postgresql://app@db1:5432/shop?sslmode=require}. */
    public String redacted() {
        return "postgresql://" + encode(user) + "@" + hostAndPort() + "/" + encode(database)
                + "?sslmode=" + sslMode.keyword();
    }

    /** For messages: {@code db1:5432 (database "shop", user "app")}. */
    public String describe() {
        return hostAndPort() + " (database \"" + database + "\", user \"" + user + "\")";
    }

    private static String encode(String component) {
        return URLEncoder.encode(component, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return redacted();
    }
}
