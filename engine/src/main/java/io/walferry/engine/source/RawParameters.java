package io.walferry.engine.source;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parameters a connection string spelled out, before defaults: libpq keywords, plus the extra
 * pgjdbc properties a JDBC URL may carry. Filled by one parser, then resolved by
 * {@link ConnectionStrings}.
 */
final class RawParameters {
    static final String HOST = "host";
    static final String PORT = "port";
    static final String DBNAME = "dbname";
    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String SSLMODE = "sslmode";
    static final String SSLROOTCERT = "sslrootcert";
    static final String SSLCERT = "sslcert";
    static final String SSLKEY = "sslkey";
    static final String CONNECT_TIMEOUT = "connect_timeout";
    static final String APPLICATION_NAME = "application_name";

    /** The libpq keywords walferry understands; any other is an error rather than silently ignored. */
    static final Set<String> KEYWORDS = Set.of(HOST, PORT, DBNAME, USER, PASSWORD, SSLMODE, SSLROOTCERT,
            SSLCERT, SSLKEY, CONNECT_TIMEOUT, APPLICATION_NAME);

    private final String form;
    private final Map<String, String> keywords = new LinkedHashMap<>();
    private final Map<String, String> jdbcProperties = new LinkedHashMap<>();

    /** @param form how the connection string was written, for messages: "URL", "JDBC URL", ... */
    RawParameters(String form) {
        this.form = form;
    }

    String form() {
        return form;
    }

    /** Records a libpq keyword; a later value replaces an earlier one, as in libpq. */
    void put(String keyword, String value) {
        if (!KEYWORDS.contains(keyword)) {
            throw invalid("unsupported connection parameter \"" + keyword + "\" in the source " + form
                    + " (expected one of: host, port, dbname, user, password, sslmode, sslrootcert, sslcert,"
                    + " sslkey, connect_timeout, application_name)");
        }
        keywords.put(keyword, value);
    }

    /** Records a pgjdbc property that has no libpq keyword; passed to the driver as it is. */
    void putJdbcProperty(String name, String value) {
        jdbcProperties.put(name, value);
    }

    /** The keyword's value, or {@code null} when it is absent or empty (libpq treats both alike). */
    String get(String keyword) {
        String value = keywords.get(keyword);
        return value == null || value.isEmpty() ? null : value;
    }

    Map<String, String> jdbcProperties() {
        return jdbcProperties;
    }

    EngineException invalid(String message) {
        return new EngineException(Failure.INVALID_INPUT, message);
    }
}
