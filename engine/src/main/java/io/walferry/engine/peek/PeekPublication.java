package io.walferry.engine.peek;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.SourceConnector;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publication a peek streams: an existing one the operator named, or one created for the peek
 * ({@code FOR ALL TABLES}, or {@code FOR TABLE} of the tables matching {@code --tables}) and dropped
 * by {@link #close()}. PostgreSQL has no temporary publications, so the drop must not be skipped:
 * close() retries on a fresh connection when the first one has died, and when it still cannot
 * drop it, logs the exact command to run.
 */
final class PeekPublication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeekPublication.class);
    private static final String TABLES_QUERY = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
            + " ORDER BY n.nspname, c.relname";

    private final String name;
    private final String description;
    private final boolean created;
    private final Connection connection;
    private final SourceConnector connector;

    private PeekPublication(String name, String description, boolean created, Connection connection,
                            SourceConnector connector) {
        this.name = name;
        this.description = description;
        this.created = created;
        this.connection = connection;
        this.connector = connector;
    }

    /** The existing publication {@code name}, checked to exist in the connected database. */
    static PeekPublication existing(Connection connection, SourceConnector connector, String name) {
        ConnectionSpec spec = connector.spec();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT puballtables FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw new EngineException(Failure.SOURCE_NOT_READY, "publication \"" + name
                            + "\" does not exist in database \"" + spec.database() + "\" on " + spec.hostAndPort()
                            + ": create it (CREATE PUBLICATION " + quote(name) + " FOR TABLE ...), or leave out"
                            + " --publication and walferry peek creates a temporary one");
                }
                String scope = rows.getBoolean(1) ? "FOR ALL TABLES" : "FOR TABLE ...";
                return new PeekPublication(name, "existing publication " + name + " (" + scope + ")", false,
                        connection, connector);
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "looking up publication " + name, null);
        }
    }

    /** Creates publication {@code name} for every table, or for the tables matching {@code patterns}. */
    static PeekPublication create(Connection connection, SourceConnector connector, String name,
                                  List<TablePattern> patterns) {
        String scope;
        if (patterns.isEmpty()) {
            scope = "FOR ALL TABLES";
        } else {
            scope = "FOR TABLE " + String.join(", ", matchingTables(connection, connector.spec(), patterns));
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE PUBLICATION " + quote(name) + " " + scope);
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "creating the temporary publication " + name + " " + abbreviate(scope),
                    patterns.isEmpty()
                            ? "a publication FOR ALL TABLES needs a superuser: name tables you own with --tables,"
                                    + " or an existing publication with --publication"
                            : "a publication FOR TABLE needs the CREATE privilege on the database (GRANT CREATE"
                                    + " ON DATABASE " + quote(connector.spec().database()) + " TO "
                                    + quote(connector.spec().user()) + ") and ownership of every table: or name"
                                    + " an existing publication with --publication");
        }
        LOG.debug("created publication {} {}", name, scope);
        return new PeekPublication(name, "temporary publication " + name + " (" + abbreviate(scope) + ")", true,
                connection, connector);
    }

    /** Quoted {@code schema.table} names of the ordinary and partitioned tables any pattern matches. */
    static List<String> matchingTables(Connection connection, ConnectionSpec spec, List<TablePattern> patterns) {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(TABLES_QUERY)) {
            while (rows.next()) {
                String schema = rows.getString(1);
                String table = rows.getString(2);
                for (TablePattern pattern : patterns) {
                    if (pattern.matches(schema, table)) {
                        tables.add(quote(schema) + "." + quote(table));
                        break;
                    }
                }
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "listing the tables of database " + spec.database(), null);
        }
        if (tables.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "no table in database \"" + spec.database() + "\" on "
                    + spec.hostAndPort() + " matches --tables " + patterns + " (patterns are schema.table globs"
                    + " with * and ?, case-sensitive; a pattern without a dot means schema public)");
        }
        return tables;
    }

    String name() {
        return name;
    }

    /** For the start-up log line, e.g. {@code temporary publication walferry_peek_12_ab (FOR ALL TABLES)}. */
    String description() {
        return description;
    }

    /** Drops the publication if this peek created it. Never throws. */
    @Override
    public void close() {
        if (!created) {
            return;
        }
        if (tryDrop(connection)) {
            return;
        }
        try (Connection fresh = connector.openSql()) {
            if (tryDrop(fresh)) {
                return;
            }
        } catch (SQLException | EngineException e) {
            LOG.debug("reconnecting to drop publication {} failed: {}", name, e.getMessage());
        }
        LOG.warn("could not drop the temporary publication {} in database \"{}\" on {}: drop it by hand with"
                + " DROP PUBLICATION {};", name, connector.spec().database(), connector.spec().hostAndPort(), quote(name));
    }

    private boolean tryDrop(Connection target) {
        try (Statement statement = target.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + quote(name));
            LOG.debug("dropped publication {}", name);
            return true;
        } catch (SQLException e) {
            LOG.debug("dropping publication {} failed: {}", name, e.getMessage());
            return false;
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String abbreviate(String scope) {
        return scope.length() <= 200 ? scope : scope.substring(0, 197) + "...";
    }
}
