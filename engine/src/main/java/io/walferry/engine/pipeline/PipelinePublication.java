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

    /**
     * Creates the publication unless it exists; when it exists and {@code reconcile} is set (the first
     * session of a run), brings it in line with the patterns ({@link #reconcile}). Returns a
     * description for the log.
     */
    public static String ensure(Connection connection, ConnectionSpec spec, String name, List<TablePattern> include,
                                List<TablePattern> exclude, int serverVersionNum, boolean reconcile) {
        Boolean allTables = lookUp(connection, name);
        if (allTables != null) {
            if (reconcile) {
                reconcile(connection, spec, name, allTables, include, exclude);
            }
            return "existing publication " + name + (allTables ? " (FOR ALL TABLES)" : " (FOR TABLE ...)");
        }
        List<String> tables = include.isEmpty() && exclude.isEmpty() ? null : matchingTables(connection, spec, include, exclude);
        requireReplicaIdentity(connection, spec, name, tables, serverVersionNum);
        String scope = tables == null ? "FOR ALL TABLES" : "FOR TABLE " + String.join(", ", tables);
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

    /**
     * Compares an existing publication with what {@code --tables} and {@code --exclude} select now.
     * <ul>
     *   <li>Tables it holds that the patterns no longer select are dropped from it
     *       ({@code ALTER PUBLICATION ... DROP TABLE}): their changes stop flowing from this point of
     *       the WAL on, and the target keeps their rows as they are.</li>
     *   <li>Tables the patterns select that it lacks are refused, before anything is changed: the
     *       target does not hold their rows (a pipeline's full load copies the tables selected when it
     *       starts, once), so streaming only their
     *       later changes would leave them incomplete and make updates and deletes of older rows
     *       fail. The error names them and the fix.</li>
     *   <li>{@code FOR ALL TABLES} against patterns, or the other way round, is refused: PostgreSQL
     *       cannot turn one kind into the other, and dropping and re-creating the publication under
     *       a slot that still decodes older WAL makes decoding fail.</li>
     * </ul>
     */
    static void reconcile(Connection connection, ConnectionSpec spec, String name, boolean allTables,
                          List<TablePattern> include, List<TablePattern> exclude) {
        boolean wantAll = include.isEmpty() && exclude.isEmpty();
        if (allTables && wantAll) {
            return;
        }
        String patterns = describePatterns(include, exclude);
        if (allTables) {
            throw new EngineException(Failure.INVALID_INPUT, "publication " + name + " on " + spec.hostAndPort()
                    + " publishes ALL TABLES (this pipeline was started without --tables and --exclude), but this run"
                    + " asks for " + patterns + ": a publication FOR ALL TABLES cannot be narrowed under its slot; run"
                    + " without --tables and --exclude, or use a new --pipeline name");
        }
        List<String> published = publishedTables(connection, name);
        if (wantAll) {
            throw new EngineException(Failure.INVALID_INPUT, "publication " + name + " on " + spec.hostAndPort()
                    + " publishes " + published.size() + " tables (FOR TABLE), but this run has no --tables or"
                    + " --exclude, which asks for all tables: run with the --tables and --exclude the pipeline was"
                    + " started with, or use a new --pipeline name");
        }
        List<String> wanted = matchingTables(connection, spec, include, exclude);
        List<String> added = new ArrayList<>(wanted);
        added.removeAll(published);
        if (!added.isEmpty()) {
            String list = String.join(", ", added);
            throw new EngineException(Failure.INVALID_INPUT, abbreviate(list) + (added.size() == 1 ? " matches " : " match ")
                    + patterns + " but " + (added.size() == 1 ? "is" : "are") + " not in publication " + name + " on "
                    + spec.hostAndPort() + ": walferry would stream only " + (added.size() == 1 ? "its" : "their")
                    + " changes from now on, while the target lacks the rows already there (the pipeline's full load"
                    + " copied only the tables selected when it ran). Copy " + (added.size() == 1 ? "its" : "their") + " rows to the target, then run"
                    + " ALTER PUBLICATION " + quote(name) + " ADD TABLE " + abbreviate(list) + " on the source and start"
                    + " walferry again; or leave " + (added.size() == 1 ? "it" : "them") + " out with --exclude");
        }
        List<String> removed = new ArrayList<>(published);
        removed.removeAll(wanted);
        if (removed.isEmpty()) {
            return;
        }
        String list = String.join(", ", removed);
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER PUBLICATION " + quote(name) + " DROP TABLE " + list);
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "dropping " + abbreviate(list) + " from publication " + name + " on "
                    + spec.hostAndPort(), "altering a publication needs ownership of it");
        }
        LOG.warn("dropped {} from publication {}: {} no longer match {}; from here on the target keeps their rows as"
                + " they are", abbreviate(list), name, removed.size() == 1 ? "it does" : "they do", patterns);
    }

    /** The tables a FOR TABLE publication lists, quoted as {@link #matchingTables} quotes them. */
    private static List<String> publishedTables(Connection connection, String name) {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT n.nspname, c.relname"
                + " FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid"
                + " JOIN pg_catalog.pg_class c ON c.oid = r.prrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE p.pubname = ? ORDER BY n.nspname, c.relname")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(quote(rows.getString(1)) + "." + quote(rows.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "listing the tables of publication " + name, null);
        }
        return tables;
    }

    private static String describePatterns(List<TablePattern> include, List<TablePattern> exclude) {
        if (include.isEmpty() && exclude.isEmpty()) {
            return "all tables";
        }
        return (include.isEmpty() ? "all tables" : "--tables " + include) + (exclude.isEmpty() ? "" : " --exclude " + exclude);
    }

    /**
     * Refuses, before the publication exists, tables it would hold that have no usable replica
     * identity (no primary key and REPLICA IDENTITY DEFAULT, or NOTHING, or an index that is gone):
     * the moment they are in a publication that publishes updates and deletes, the source refuses
     * their UPDATE and DELETE statements, which would break the application, not just walferry. Each
     * leaf table counts (the source checks the partition a row is in); a partition is named with the
     * published table it belongs to.
     *
     * @param tables           the quoted names the publication would list, or {@code null} for all tables
     * @param serverVersionNum the source's version ({@code pg_partition_root} came with 12)
     */
    static void requireReplicaIdentity(Connection connection, ConnectionSpec spec, String name, List<String> tables,
                                       int serverVersionNum) {
        List<String> missing = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                "SELECT rn.nspname, r.relname, n.nspname, c.relname FROM pg_catalog.pg_class c"
                        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_catalog.pg_class r ON r.oid = " + (serverVersionNum >= 120000
                                ? "COALESCE(pg_catalog.pg_partition_root(c.oid), c.oid)" : "c.oid")
                        + " JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace"
                        + " WHERE c.relkind = 'r' AND c.relpersistence = 'p'"
                        + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
                        + " AND NOT EXISTS (SELECT FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid"
                        + "   AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident)))"
                        + " AND c.relreplident <> 'f' ORDER BY 1, 2, 3, 4")) {
            while (rows.next()) {
                String root = quote(rows.getString(1)) + "." + quote(rows.getString(2));
                if (tables == null || tables.contains(root)) {
                    String leaf = rows.getString(3) + "." + rows.getString(4);
                    String published = rows.getString(1) + "." + rows.getString(2);
                    missing.add(leaf.equals(published) ? leaf : leaf + " (partition of " + published + ")");
                }
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "checking the replica identity of the tables of " + spec.describe(), null);
        }
        if (!missing.isEmpty()) {
            String list = abbreviate(String.join(", ", missing));
            throw new EngineException(Failure.SOURCE_NOT_READY, "tables without a primary key or other replica identity:"
                    + " " + list + " on " + spec.hostAndPort() + ". Once they are in publication " + name + ", the source"
                    + " refuses their UPDATE and DELETE statements (\"does not have a replica identity and publishes"
                    + " updates\"), which would break the application; walferry created neither publication nor slot."
                    + " Give each a primary key,"
                    + " or run ALTER TABLE ... REPLICA IDENTITY FULL on each (walferry then matches rows by all columns),"
                    + " or leave them out with --exclude");
        }
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
