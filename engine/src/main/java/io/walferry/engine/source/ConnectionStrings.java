package io.walferry.engine.source;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a connection string into a {@link ConnectionSpec}, with libpq's fallbacks for what it
 * leaves out. Three forms are accepted:
 * <ul>
 *   <li>libpq URLs: {@code postgresql://user:password@host:port/dbname?sslmode=require} (or
 *       {@code postgres://}), percent-encoded, IPv6 hosts in brackets;</li>
 *   <li>libpq keyword/value strings: {@code host=db1 port=5432 dbname=shop user=app sslmode=require};</li>
 *   <li>pgjdbc URLs: {@code jdbc:postgresql://host:port/dbname?user=app&password=...}.</li>
 * </ul>
 * Defaults, in libpq's order: host {@code PGHOST}, else {@code localhost} (walferry connects over
 * TCP only); port {@code PGPORT}, else 5432; user {@code PGUSER}, else the operating-system user;
 * database {@code PGDATABASE}, else the user name; {@code sslmode} {@code PGSSLMODE}, else
 * {@code prefer}; {@code sslrootcert}/{@code sslcert}/{@code sslkey} from {@code PGSSLROOTCERT},
 * {@code PGSSLCERT}, {@code PGSSLKEY}; {@code connect_timeout} {@code PGCONNECT_TIMEOUT}, else 10
 * seconds. The password comes from the string, else {@code PGPASSWORD}, else the password file.
 */
public final class ConnectionStrings {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionStrings.class);

    private ConnectionStrings() {
    }

    /**
     * Parses {@code connectionString} and applies the defaults of {@code environment}.
     *
     * @throws EngineException ({@link Failure#INVALID_INPUT}) naming the part that is wrong; the
     *                         message never repeats the string, which may hold a password
     */
    public static ConnectionSpec parse(String connectionString, SourceEnvironment environment) {
        String text = connectionString == null ? "" : connectionString.strip();
        if (text.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "the source connection string is empty"
                    + " (expected: postgresql://user@host:port/dbname, jdbc:postgresql://host:port/dbname"
                    + " or key=value pairs such as host=localhost dbname=shop)");
        }
        RawParameters raw;
        if (LibpqUri.matches(text)) {
            raw = LibpqUri.parse(text);
        } else if (JdbcUrl.matches(text)) {
            raw = JdbcUrl.parse(text);
        } else if (text.indexOf('=') > 0) {
            raw = KeywordValueString.parse(text);
        } else {
            throw new EngineException(Failure.INVALID_INPUT, "the source is not a connection string walferry"
                    + " understands (expected: postgresql://user@host:port/dbname, postgres://...,"
                    + " jdbc:postgresql://host:port/dbname or key=value pairs such as host=localhost dbname=shop)");
        }
        return resolve(raw, environment);
    }

    private static ConnectionSpec resolve(RawParameters raw, SourceEnvironment environment) {
        String host = firstOf(raw.get(RawParameters.HOST), environment.variable("PGHOST"), "localhost");
        checkHost(raw, host);
        String portText = firstOf(raw.get(RawParameters.PORT), environment.variable("PGPORT"),
                Integer.toString(ConnectionSpec.DEFAULT_PORT));
        int port = parsePort(raw, portText);
        String user = firstOf(raw.get(RawParameters.USER), environment.variable("PGUSER"), environment.osUserName());
        String database = firstOf(raw.get(RawParameters.DBNAME), environment.variable("PGDATABASE"), user);
        SslMode sslMode = SslMode.fromKeyword(firstOf(raw.get(RawParameters.SSLMODE),
                environment.variable("PGSSLMODE"), SslMode.PREFER.keyword()));
        int connectTimeout = parseTimeout(raw, firstOf(raw.get(RawParameters.CONNECT_TIMEOUT),
                environment.variable("PGCONNECT_TIMEOUT"), Integer.toString(ConnectionSpec.DEFAULT_CONNECT_TIMEOUT_SECONDS)));
        String applicationName = firstOf(raw.get(RawParameters.APPLICATION_NAME), ConnectionSpec.DEFAULT_APPLICATION_NAME, null);

        String password = raw.get(RawParameters.PASSWORD);
        PasswordSource passwordSource = PasswordSource.CONNECTION_STRING;
        if (password == null) {
            password = environment.variable("PGPASSWORD");
            passwordSource = PasswordSource.PGPASSWORD;
        }
        if (password == null) {
            password = passwordFromFile(environment, host, portText, database, user);
            passwordSource = password == null ? PasswordSource.NONE : PasswordSource.PASSWORD_FILE;
        }
        return new ConnectionSpec(host, port, database, user, password, passwordSource, sslMode,
                firstOf(raw.get(RawParameters.SSLROOTCERT), environment.variable("PGSSLROOTCERT"), null),
                firstOf(raw.get(RawParameters.SSLCERT), environment.variable("PGSSLCERT"), null),
                firstOf(raw.get(RawParameters.SSLKEY), environment.variable("PGSSLKEY"), null),
                connectTimeout, applicationName, raw.jdbcProperties());
    }

    private static String passwordFromFile(SourceEnvironment environment, String host, String port,
                                           String database, String user) {
        Path location = PgPassFile.location(environment);
        PgPassFile file = PgPassFile.read(location);
        if (file.warning() != null) {
            LOG.warn("{}", file.warning());
        }
        String password = file.find(host, port, database, user);
        if (password != null) {
            LOG.debug("password for {}@{}:{}/{} taken from {}", user, host, port, database, location);
        }
        return password == null || password.isEmpty() ? null : password;
    }

    private static void checkHost(RawParameters raw, String host) {
        if (host.startsWith("/") || host.startsWith("@")) {
            throw raw.invalid("host " + host + " is a Unix-domain socket directory; walferry connects over TCP only"
                    + " (use host=localhost, or the server's address)");
        }
        if (host.indexOf(',') >= 0) {
            throw raw.invalid("host " + host + " names several hosts; walferry connects to one");
        }
    }

    private static int parsePort(RawParameters raw, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw raw.invalid("port: " + text + " in the source " + raw.form() + " (expected: a number from 1 to 65535)");
    }

    private static int parseTimeout(RawParameters raw, String text) {
        try {
            int seconds = Integer.parseInt(text);
            if (seconds >= 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw raw.invalid("connect_timeout: " + text + " in the source " + raw.form()
                + " (expected: a whole number of seconds, 0 for no limit)");
    }

    private static String firstOf(String first, String second, String fallback) {
        return first != null ? first : second != null ? second : fallback;
    }
}
