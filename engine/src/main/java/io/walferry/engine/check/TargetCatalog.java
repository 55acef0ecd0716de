package io.walferry.engine.check;

import io.walferry.engine.schema.Extension;
import io.walferry.engine.schema.QualifiedName;
import io.walferry.engine.schema.SourceSchema;
import io.walferry.engine.schema.Table;
import io.walferry.engine.schema.TargetTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the target's catalogs say about the move, as {@code replicate} with its defaults
 * ({@code --schema copy}) would meet them: extensions the tables need, schemas it must create or
 * write in, tables that are already there, and a pipeline's state from an earlier run.
 */
final class TargetCatalog {
    /** {@code pg_available_extension_versions.trusted} exists from PostgreSQL 13. */
    private static final int TRUSTED_EXTENSIONS_VERSION_NUM = 130000;
    private static final String EXTENSION = "SELECT e.installed_version, v.superuser, %s"
            + " FROM pg_catalog.pg_available_extensions e LEFT JOIN pg_catalog.pg_available_extension_versions v"
            + " ON v.name = e.name AND v.version = e.default_version WHERE e.name = ?";
    private static final String SCHEMA = "SELECT pg_catalog.has_schema_privilege(n.oid, 'CREATE')"
            + " FROM pg_catalog.pg_namespace n WHERE n.nspname = ?";
    private static final String PIPELINE_STATE = "SELECT pg_catalog.to_regclass('walferry.load_state') IS NOT NULL,"
            + " pg_catalog.to_regclass('walferry.apply_progress') IS NOT NULL";
    private static final String STATE_SCHEMA = "walferry";

    private TargetCatalog() {
    }

    /** Extensions the selected tables use: installed on the target, or available for the schema copy to create. */
    static void extensions(Connection target, ServerFacts facts, SourceSchema schema, List<Finding> findings)
            throws SQLException {
        String sql = String.format(EXTENSION, facts.versionNum() >= TRUSTED_EXTENSIONS_VERSION_NUM ? "v.trusted" : "false");
        try (PreparedStatement query = target.prepareStatement(sql)) {
            for (Extension extension : schema.extensions()) {
                query.setString(1, extension.name());
                try (ResultSet row = query.executeQuery()) {
                    String name = extension.name();
                    if (!row.next()) {
                        findings.add(Finding.blocker("extension_unavailable", name, "extension " + name + " is used by"
                                + " the selected tables and installed on the source, but the target " + facts.server()
                                + " cannot install it (it is not in pg_available_extensions): install the package that"
                                + " provides it on the target server (for contrib modules, postgresql-contrib), or on a"
                                + " managed service choose a version that offers it"));
                    } else if (row.getString(1) == null) {
                        boolean needsSuperuser = row.getBoolean(2) && !row.getBoolean(3);
                        if (needsSuperuser && !facts.superuser()) {
                            findings.add(Finding.blocker("extension_privilege", name, "extension " + name + " is used"
                                    + " by the selected tables and not installed on the target, and only a superuser may"
                                    + " create it there: have a superuser run CREATE EXTENSION " + Text.ident(name)
                                    + " SCHEMA " + Text.ident(extension.schema()) + " on the target before the move"));
                        } else {
                            findings.add(Finding.warning("extension_not_installed", name, "extension " + name + " is"
                                    + " used by the selected tables and not installed on the target: the schema copy"
                                    + " creates it (CREATE EXTENSION " + Text.ident(name) + " SCHEMA "
                                    + Text.ident(extension.schema()) + "); with --schema existing, create it yourself"));
                        }
                    }
                }
            }
        }
    }

    /**
     * The schemas the load writes in: the selected tables' schemas and {@code walferry}. A missing one
     * is created, which needs CREATE on the database; an existing one needs CREATE on the schema
     * (which PostgreSQL 15 no longer grants on {@code public} to every user).
     *
     * @return whether the load creates a schema
     */
    static boolean schemas(Connection target, ServerFacts facts, SourceSchema schema, List<Finding> findings)
            throws SQLException {
        Set<String> schemas = new LinkedHashSet<>();
        for (Table table : schema.tables()) {
            schemas.add(table.name().schema());
        }
        schemas.add(STATE_SCHEMA);
        boolean creates = false;
        List<String> denied = new ArrayList<>();
        try (PreparedStatement query = target.prepareStatement(SCHEMA)) {
            for (String name : schemas) {
                query.setString(1, name);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        creates = true;
                    } else if (!row.getBoolean(1)) {
                        denied.add(Text.ident(name));
                    }
                }
            }
        }
        if (!denied.isEmpty()) {
            findings.add(Finding.blocker("target_schema_privilege", Text.list(denied), "user "
                    + Text.ident(facts.user()) + " of the target " + facts.server() + " may not create objects in"
                    + " schema(s) " + Text.list(denied) + ", where the load creates tables (and walferry its state):"
                    + " run GRANT CREATE ON SCHEMA " + Text.list(denied) + " TO " + Text.ident(facts.user())
                    + " on the target"));
        }
        return creates;
    }

    /**
     * The selected tables that exist on the target already, and those that hold rows; unless the
     * pipeline has state there (a run resumes it, and its tables are expected).
     */
    static void tables(Connection target, String pipeline, SourceSchema schema, List<Finding> findings)
            throws SQLException {
        if (hasState(target, pipeline)) {
            findings.add(Finding.info("pipeline_state", pipeline, "the target holds the state of pipeline " + pipeline
                    + " in schema walferry: replicate resumes it (its load where it stopped, or streaming from its"
                    + " recorded progress)"));
            return;
        }
        List<QualifiedName> existing = new ArrayList<>();
        try (PreparedStatement query = target.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            for (Table table : schema.tables()) {
                if (table.isPartition()) {
                    continue;
                }
                query.setString(1, table.name().quoted());
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    if (row.getBoolean(1)) {
                        existing.add(table.name());
                    }
                }
            }
        }
        if (existing.isEmpty()) {
            return;
        }
        List<QualifiedName> nonEmpty = TargetTables.nonEmpty(target, existing);
        if (!nonEmpty.isEmpty()) {
            findings.add(Finding.blocker("target_not_empty", Text.list(strings(nonEmpty)), TargetTables.refusal(nonEmpty)
                    + "; if the target already holds the data, use --schema existing --no-copy-data"));
        }
        List<String> empty = new ArrayList<>(strings(existing));
        empty.removeAll(strings(nonEmpty));
        if (!empty.isEmpty()) {
            findings.add(Finding.warning("target_tables_exist", Text.list(empty), empty.size() + " selected table(s)"
                    + " already exist on the target, empty (" + Text.list(empty) + "), and the default --schema copy"
                    + " creates the tables itself: run replicate with --schema existing (their columns must match the"
                    + " source's), or drop them on the target"));
        }
    }

    private static boolean hasState(Connection target, String pipeline) throws SQLException {
        boolean loadState;
        boolean applyProgress;
        try (PreparedStatement query = target.prepareStatement(PIPELINE_STATE); ResultSet row = query.executeQuery()) {
            row.next();
            loadState = row.getBoolean(1);
            applyProgress = row.getBoolean(2);
        }
        return (loadState && exists(target, "SELECT 1 FROM walferry.load_state WHERE pipeline = ?", pipeline))
                || (applyProgress && exists(target, "SELECT 1 FROM walferry.apply_progress WHERE pipeline = ?", pipeline));
    }

    private static boolean exists(Connection target, String sql, String pipeline) throws SQLException {
        try (PreparedStatement query = target.prepareStatement(sql)) {
            query.setString(1, pipeline);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    private static List<String> strings(List<QualifiedName> names) {
        List<String> strings = new ArrayList<>();
        for (QualifiedName name : names) {
            strings.add(name.toString());
        }
        return strings;
    }
}
