package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.schema.SchemaReport;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --schema copy} by {@code pg_dump}: the target's schema is what {@code pg_dump
 * --section=pre-data} of the source creates (schemas, extensions, types, functions, tables, views,
 * sequences...) before the data, and what {@code --section=post-data} creates (keys, indexes,
 * foreign keys, triggers, rules, policies, materialized view contents...) after it, so that
 * everything pg_dump knows comes along, not only what the tables need.
 *
 * <p>What is dumped: with every table selected, the whole database except schema {@code walferry};
 * with {@code --tables} or {@code --exclude}, the selected tables and every partition below them
 * ({@code -t} each, by exact quoted name), with their indexes, constraints, triggers, rules,
 * policies and owned sequences, in schemas walferry creates first; pg_dump then leaves out the
 * types, functions and other sequences they use. Never: owners and privileges, tablespaces,
 * publications, subscriptions, security labels, large objects, and user mappings (which hold
 * credentials); {@link #report()} lists them.
 *
 * <p>How it runs: both scripts are dumped once, on first use, and cut into objects
 * ({@link PgDumpScript}). The pre-data objects run in order in the load's first transaction; the
 * post-data ones in groups: indexes and key, unique and exclusion constraints in parallel jobs,
 * then partition index attachments, foreign keys, and the rest in the script's order, one at a
 * time; then sequence values, read from the source at that moment (pg_dump's schema sections
 * carry none). Each statement runs with the settings the script gave it.
 */
public final class PgDumpSchema implements LoadSchema {
    private static final Logger LOG = LoggerFactory.getLogger(PgDumpSchema.class);
    /**
     * pg_dump's options for both sections. Owners and privileges name roles the target may not
     * have; tablespaces are the target's own layout; publications and subscriptions configure the
     * source's replication; security labels need their provider loaded; large objects are not
     * copied by the load ({@code -B}: its only spelling from pg_dump 10 to 18); {@code -w} never
     * waits for a password prompt.
     */
    private static final List<String> OPTIONS = List.of("--no-owner", "--no-privileges", "--no-tablespaces",
            "--no-publications", "--no-subscriptions", "--no-security-labels", "-B", "--encoding=UTF8", "-w");
    /** Types of pg_dump entries that hold credentials: left out, and reported. */
    private static final String USER_MAPPING = "USER MAPPING";
    private static final String PARTITIONS = "SELECT n.nspname, c.relname FROM pg_catalog.pg_partition_tree(?::pg_catalog.regclass) p"
            + " JOIN pg_catalog.pg_class c ON c.oid = p.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE p.level > 0 ORDER BY p.level, n.nspname, c.relname";
    /** Relations, types and routines of the given schemas that belong to no extension. */
    private static final String SCHEMA_OBJECTS = "SELECT CASE c.relkind WHEN 'v' THEN 'view'"
            + " WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' WHEN 'S' THEN 'sequence' ELSE 'table' END,"
            + " n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT EXISTS (SELECT FROM"
            + " pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"
            + " AND d.deptype = 'e')"
            + " UNION ALL SELECT 'type', n.nspname, t.typname FROM pg_catalog.pg_type t"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY (?)"
            + " AND (t.typtype IN ('e', 'd', 'r') OR t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c"
            + " WHERE c.oid = t.typrelid) = 'c') AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE"
            + " d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid = t.oid AND d.deptype IN ('e', 'i'))"
            + " UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,"
            + " n.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'"
            + " FROM pg_catalog.pg_proc p"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY (?) AND NOT EXISTS"
            + " (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass"
            + " AND d.objid = p.oid AND d.deptype IN ('e', 'i'))"
            + " ORDER BY 1, 2, 3";

    private final LoadConfig load;
    private final Path requested;
    private PgDump pgDump;
    private PgDumpScript preData;
    private PgDumpScript postData;
    private Set<String> createdSchemas;
    private List<SchemaReport.Entry> notCopied;

    private PgDumpSchema(LoadConfig load, Path requested, PgDump pgDump) {
        this.load = load;
        this.requested = requested;
        this.pgDump = pgDump;
    }

    /**
     * {@code --pg-dump PATH}: that pg_dump, which must be at least as new as the source (checked
     * on first use, against the source's version; an {@link EngineException} of kind
     * {@link Failure#INVALID_INPUT} otherwise, naming both versions and the fix).
     */
    public static PgDumpSchema using(Path pgDump, LoadConfig load) {
        return new PgDumpSchema(load, pgDump, null);
    }

    /** A pg_dump already found compatible with the source ({@link PgDumpOrCopiedSchema}). */
    static PgDumpSchema chosen(PgDump pgDump, LoadConfig load) {
        return new PgDumpSchema(load, null, pgDump);
    }

    /** Whether the load selects every table, so that pg_dump dumps the whole database. */
    static boolean wholeDatabase(LoadConfig load) {
        return load.includeTables().isEmpty() && load.excludeTables().isEmpty();
    }

    /**
     * The selected tables must not exist on the target yet. Dumps the schema first, so a pg_dump
     * that is too old or fails stops the load before anything is created.
     */
    @Override
    public void verify(Connection source, Connection target, List<LoadTable> tables) throws SQLException {
        dump(source);
        List<String> problems = CopiedSchema.existingTables(target, tables);
        int targetMajor = ServerVersion.read(target).major();
        target.commit();
        if (!problems.isEmpty()) {
            throw new EngineException(Failure.TARGET_NOT_READY, "--schema copy cannot create the tables on the target: "
                    + String.join("; ", problems) + ". To load into tables that exist already, use --schema existing"
                    + " (they must match the source's column by column); otherwise drop them, or choose the tables with"
                    + " --tables/--exclude");
        }
        if (targetMajor < pgDump.major()) {
            LOG.warn("the target runs PostgreSQL {}, older than {}: pg_dump's scripts are meant for its own version or"
                    + " newer, so a statement may use syntax the target does not know (the load then stops, naming it)",
                    targetMajor, pgDump.describe());
        }
    }

    @Override
    public List<LoadStep> preData(Connection source) throws SQLException {
        dump(source);
        List<LoadStep> steps = new ArrayList<>();
        for (String schema : createdSchemas) {
            steps.add(new LoadStep("pg_dump schema " + schema, "schema " + schema,
                    "CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema)));
        }
        Keys keys = new Keys();
        for (PgDumpScript.Entry entry : preData.entries()) {
            if (!entry.type().equals(USER_MAPPING)) {
                steps.add(keys.step(entry));
            }
        }
        return steps;
    }

    /**
     * Index builds in parallel; index attachments (each needs its parent and child index), foreign
     * keys (adding one locks both tables in a mode that conflicts with itself) and everything else
     * (triggers, rules, policies, comments, materialized views refreshed) one at a time in the
     * script's order, which pg_dump made follow their dependencies; then sequence values.
     */
    @Override
    public List<StepGroup> postData(Connection source) throws SQLException {
        dump(source);
        Keys keys = new Keys();
        List<LoadStep> indexes = new ArrayList<>();
        List<LoadStep> attachments = new ArrayList<>();
        List<LoadStep> foreignKeys = new ArrayList<>();
        List<LoadStep> rest = new ArrayList<>();
        for (PgDumpScript.Entry entry : postData.entries()) {
            LoadStep step = keys.step(entry);
            switch (entry.type()) {
                case "INDEX":
                case "CONSTRAINT":
                    indexes.add(step);
                    break;
                case "INDEX ATTACH":
                    attachments.add(step);
                    break;
                case "FK CONSTRAINT":
                    foreignKeys.add(step);
                    break;
                case USER_MAPPING:
                    break;
                default:
                    rest.add(step);
            }
        }
        return List.of(new StepGroup("indexes and constraints", true, indexes),
                new StepGroup("partition index attachments", false, attachments),
                new StepGroup("foreign keys", false, foreignKeys),
                new StepGroup("triggers, rules, policies and other objects", false, rest),
                new StepGroup("sequence values", false, sequenceValues(source)));
    }

    /** {@code setval} of every sequence the pre-data script creates, to its value on the source now. */
    private List<LoadStep> sequenceValues(Connection source) throws SQLException {
        List<LoadStep> steps = new ArrayList<>();
        try (Statement statement = source.createStatement()) {
            for (PgDumpScript.Entry entry : preData.entries()) {
                if (!entry.type().equals("SEQUENCE")) {
                    continue;
                }
                String sequence = Identifiers.qualified(entry.schema(), entry.name());
                try (ResultSet row = statement.executeQuery("SELECT last_value, is_called FROM " + sequence)) {
                    row.next();
                    steps.add(new LoadStep("pg_dump sequence value " + entry.qualifiedName(),
                            "value of sequence " + entry.qualifiedName(), "SELECT pg_catalog.setval("
                            + Identifiers.literal(sequence) + ", " + row.getLong(1) + ", " + row.getBoolean(2) + ")"));
                } catch (SQLException e) {
                    throw new EngineException(Failure.SOURCE_NOT_READY, "cannot read the current value of sequence "
                            + entry.qualifiedName() + " on the source: " + e.getMessage() + "; grant SELECT on it to"
                            + " user \"" + load.source().user() + "\"", e);
                }
            }
        }
        return steps;
    }

    @Override
    public List<String> report() {
        if (preData == null) {
            return List.of();
        }
        List<SchemaReport.Entry> copied = new ArrayList<>();
        for (String schema : createdSchemas) {
            copied.add(new SchemaReport.Entry("schema", schema, null));
        }
        List<SchemaReport.Entry> missing = new ArrayList<>();
        for (PgDumpScript script : List.of(preData, postData)) {
            for (PgDumpScript.Entry entry : script.entries()) {
                if (entry.type().equals(USER_MAPPING)) {
                    missing.add(new SchemaReport.Entry("user mapping", entry.qualifiedName(), "not copied: it holds"
                            + " credentials for a foreign server; create it on the target yourself"));
                } else {
                    copied.add(new SchemaReport.Entry(entry.type().toLowerCase(Locale.ROOT),
                            entry.qualifiedName(), null));
                }
            }
        }
        missing.addAll(notCopied);
        List<String> lines = new ArrayList<>();
        lines.add("by " + pgDump.describe() + ":");
        lines.addAll(new SchemaReport(copied, missing).lines());
        return lines;
    }

    /** Finds the pg_dump if need be, dumps both sections and reads what they leave out: once. */
    private void dump(Connection source) throws SQLException {
        if (preData != null) {
            return;
        }
        ServerVersion version = ServerVersion.read(source);
        if (pgDump == null) {
            pgDump = requireCompatible(requested, version, load);
        }
        List<String> selection = new ArrayList<>();
        createdSchemas = new TreeSet<>();
        if (wholeDatabase(load)) {
            selection.add("--exclude-schema=walferry");
        } else {
            selection.add("--strict-names");
            for (String[] relation : selectedRelations(source)) {
                createdSchemas.add(relation[0]);
                selection.add("--table=" + Identifiers.qualified(relation[0], relation[1]));
            }
        }
        LOG.info("schema copy by {} for the source's PostgreSQL {}: {}", pgDump.describe(), version.text(),
                wholeDatabase(load) ? "the whole database except schema walferry"
                        : (selection.size() - 1) + " tables and partitions, by name");
        // The two sections are two pg_dump runs: at once, since each mostly waits for its own start-up.
        CompletableFuture<String> postDataScript = CompletableFuture.supplyAsync(
                () -> pgDump.dump(arguments("post-data", selection), load.source(), "the post-data schema"));
        String preDataScript = pgDump.dump(arguments("pre-data", selection), load.source(), "the pre-data schema");
        try {
            postData = PgDumpScript.parse(postDataScript.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
        preData = PgDumpScript.parse(preDataScript);
        notCopied = notCopied(source);
    }

    private static List<String> arguments(String section, List<String> selection) {
        List<String> arguments = new ArrayList<>();
        arguments.add("--section=" + section);
        arguments.addAll(OPTIONS);
        arguments.addAll(selection);
        return arguments;
    }

    private static PgDump requireCompatible(Path path, ServerVersion version, LoadConfig load) {
        String fix = "give --pg-dump the path of a pg_dump of version " + version.major() + " or later (for"
                + " example /usr/lib/postgresql/" + version.major() + "/bin/pg_dump), or leave --pg-dump out: walferry"
                + " then uses a compatible pg_dump it finds, or its built-in schema copy";
        PgDump pgDump;
        try {
            pgDump = PgDump.probe(path);
        } catch (EngineException e) {
            throw new EngineException(Failure.INVALID_INPUT, "--pg-dump " + e.getMessage() + ": " + fix, e);
        }
        if (pgDump.major() < version.major()) {
            throw new EngineException(Failure.INVALID_INPUT, "--pg-dump " + path + " is pg_dump " + pgDump.version()
                    + ", older than the source's PostgreSQL " + version.text() + " on " + load.source().hostAndPort()
                    + ", and pg_dump cannot dump a newer server: " + fix);
        }
        return pgDump;
    }

    /**
     * The selected tables and every partition below them, as (schema, name): pg_dump before 16
     * has no {@code --table-and-children}, and a {@code -t} of a partitioned table alone leaves
     * its partitions out, so each is named.
     */
    private List<String[]> selectedRelations(Connection source) throws SQLException {
        List<String[]> relations = new ArrayList<>();
        for (LoadTable table : SourceTables.read(source, load.includeTables(), load.excludeTables())) {
            relations.add(new String[] {table.schema(), table.name()});
            if (!table.partitioned()) {
                continue;
            }
            try (PreparedStatement query = source.prepareStatement(PARTITIONS)) {
                query.setString(1, table.qualified());
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        relations.add(new String[] {rows.getString(1), rows.getString(2)});
                    }
                }
            }
        }
        return relations;
    }

    /** What the dump leaves out by walferry's choice, and with {@code -t} what the schemas hold besides. */
    private List<SchemaReport.Entry> notCopied(Connection source) throws SQLException {
        List<SchemaReport.Entry> missing = new ArrayList<>();
        missing.add(new SchemaReport.Entry("owners and privileges", "of every object", "not copied (pg_dump"
                + " --no-owner --no-privileges): the target's objects belong to the user that creates them; GRANT and"
                + " ALTER ... OWNER on the target as needed"));
        missing.add(new SchemaReport.Entry("tablespaces", "of every object", "not copied (--no-tablespaces): objects"
                + " are created in the target's default tablespace"));
        missing.add(new SchemaReport.Entry("subscriptions and security labels", "of every object", "not copied"
                + " (--no-subscriptions --no-security-labels)"));
        try (Statement statement = source.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pubname FROM pg_catalog.pg_publication"
                     + " WHERE pubname NOT LIKE 'walferry\\_%' ORDER BY 1")) {
            while (rows.next()) {
                missing.add(new SchemaReport.Entry("publication", rows.getString(1), "not copied (--no-publications):"
                        + " it publishes the source's changes; create it on the target if the target should publish"));
            }
        }
        try (Statement statement = source.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_catalog.pg_largeobject_metadata")) {
            row.next();
            if (row.getLong(1) > 0) {
                missing.add(new SchemaReport.Entry("large objects", row.getLong(1) + " of them", "not copied: walferry"
                        + " copies tables, not large objects"));
            }
        }
        if (!createdSchemas.isEmpty()) {
            missing.addAll(outsideSelection(source));
        }
        return missing;
    }

    /** Relations, types and routines of the selected tables' schemas that {@code pg_dump -t} did not dump. */
    private List<SchemaReport.Entry> outsideSelection(Connection source) throws SQLException {
        Set<String> dumped = new HashSet<>();
        for (PgDumpScript.Entry entry : preData.entries()) {
            dumped.add(entry.schema() + '\0' + entry.name());
        }
        List<SchemaReport.Entry> missing = new ArrayList<>();
        try (PreparedStatement query = source.prepareStatement(SCHEMA_OBJECTS)) {
            Array schemas = source.createArrayOf("text", createdSchemas.toArray());
            for (int i = 1; i <= 3; i++) {
                query.setArray(i, schemas);
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    // The tables dumped, and their sequences, have the names of the headers.
                    if (!dumped.contains(rows.getString(2) + '\0' + rows.getString(3))) {
                        missing.add(new SchemaReport.Entry(rows.getString(1), rows.getString(2) + "." + rows.getString(3),
                                "not copied: pg_dump -t dumps only the selected tables; create it on the target"
                                        + " yourself if they or your application need it"));
                    }
                }
            }
        }
        return missing;
    }

    /** Step keys that stay the same from run to run (for {@code walferry.load_steps}), unique within a script. */
    private static final class Keys {
        private final Set<String> used = new HashSet<>();

        LoadStep step(PgDumpScript.Entry entry) {
            String base = "pg_dump " + entry.describe();
            String key = base;
            for (int n = 2; !used.add(key); n++) {
                key = base + " (" + n + ")";
            }
            return new LoadStep(key, entry.describe(), entry.sql());
        }
    }

    /**
     * A server's version.
     *
     * @param major the major version, e.g. 17
     * @param text  {@code server_version} up to its first space, e.g. {@code 17.6}
     */
    record ServerVersion(int major, String text) {
        static ServerVersion read(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000,"
                         + " split_part(current_setting('server_version'), ' ', 1)")) {
                row.next();
                return new ServerVersion(row.getInt(1), row.getString(2));
            }
        }
    }
}
