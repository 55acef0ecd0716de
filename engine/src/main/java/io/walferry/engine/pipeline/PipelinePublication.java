package io.walferry.engine.pipeline;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.source.ConnectionSpec;
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
 * The pipeline's publication, {@code walferry_<pipeline>}: reused when it exists, else created
 * {@code FOR ALL TABLES} (no patterns) or {@code FOR TABLE} the tables the include patterns match
 * and the exclude patterns do not. Partitioned tables are published through their root
 * ({@code publish_via_partition_root}, PostgreSQL 13+), so partitions are not listed themselves.
 *
 * <p>It must exist before the slot is created: pgoutput looks publications up as of the WAL it
 * decodes, and a slot older than its publication fails with "publication does not exist".
 */
public final class PipelinePublication {
    private static final Logger LOG = LoggerFactory.getLogger(PipelinePublication.class);
    private static final String TABLES_QUERY = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND NOT c.relispartition"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
            + " ORDER BY n.nspname, c.relname";

    private PipelinePublication() {
    }

    /** Creates the publication unless it exists; returns a description for the log. */
    public static String ensure(Connection connection, ConnectionSpec spec, String name, List<TablePattern> include,
                         List<TablePattern> exclude, int serverVersionNum) {
        Boolean allTables = lookUp(connection, name);
        if (allTables != null) {
            return "existing publication " + name + (allTables ? " (FOR ALL TABLES)" : " (FOR TABLE ...)");
        }
        String scope = include.isEmpty() && exclude.isEmpty()
                ? "FOR ALL TABLES"
                : "FOR TABLE " + String.join(", ", matchingTables(connection, spec, include, exclude));
        String options = serverVersionNum >= 130000 ? " WITH (publish_via_partition_root = true)" : "";
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE PUBLICATION " + quote(name) + " " + scope + options);
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "creating publication " + name + " " + abbreviate(scope) + " on "
                    + spec.hostAndPort(), scope.equals("FOR ALL TABLES")
                    ? "a publication FOR ALL TABLES needs a superuser: name the tables with --tables, or create"
                            + " the publication " + name + " yourself as a superuser"
                    : "a publication FOR TABLE needs the CREATE privilege on the database (GRANT CREATE ON DATABASE "
                            + quote(spec.database()) + " TO " + quote(spec.user()) + ") and ownership of every table");
        }
        LOG.info("created publication {} {} on {}", name, abbreviate(scope), spec.hostAndPort());
        return "new publication " + name + " (" + abbreviate(scope) + ")";
    }

    /** {@code puballtables} of the publication, or {@code null} when it does not exist. */
    private static Boolean lookUp(Connection connection, String name) {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT puballtables FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getBoolean(1) : null;
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "looking up publication " + name, null);
        }
    }

    /** Quoted names of the tables an include pattern (any, when there are none) matches and no exclude pattern does. */
    static List<String> matchingTables(Connection connection, ConnectionSpec spec, List<TablePattern> include,
                                       List<TablePattern> exclude) {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(TABLES_QUERY)) {
            while (rows.next()) {
                String schema = rows.getString(1);
                String table = rows.getString(2);
                if ((include.isEmpty() || anyMatches(include, schema, table)) && !anyMatches(exclude, schema, table)) {
                    tables.add(quote(schema) + "." + quote(table));
                }
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "listing the tables of database " + spec.database(), null);
        }
        if (tables.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "no table in database \"" + spec.database() + "\" on "
                    + spec.hostAndPort() + " matches --tables " + include + (exclude.isEmpty() ? "" : " without --exclude "
                    + exclude) + " (patterns are schema.table globs with * and ?, case-sensitive; a pattern without a"
                    + " dot means schema public; partitions are replicated through their partitioned table)");
        }
        return tables;
    }

    private static boolean anyMatches(List<TablePattern> patterns, String schema, String table) {
        for (TablePattern pattern : patterns) {
            if (pattern.matches(schema, table)) {
                return true;
            }
        }
        return false;
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String abbreviate(String scope) {
        return scope.length() <= 200 ? scope : scope.substring(0, 197) + "...";
    }
}
