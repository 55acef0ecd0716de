package io.walferry.engine.check;

import io.walferry.engine.pipeline.PipelineConfig;
import io.walferry.engine.schema.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline's objects on the source, slot and publication {@code walferry_<pipeline>}: whether a
 * run would resume them, find them unusable, or be able to create them.
 */
final class PipelineObjects {
    private static final String SLOT = "SELECT s.database, s.active, s.active_pid, s.plugin, %s,"
            + " pg_catalog.pg_size_pretty(pg_catalog.pg_wal_lsn_diff(CASE WHEN pg_catalog.pg_is_in_recovery()"
            + " THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END, s.restart_lsn))"
            + " FROM pg_catalog.pg_replication_slots s WHERE s.slot_name = ?";
    private static final String PUBLICATION = "SELECT p.puballtables FROM pg_catalog.pg_publication p WHERE p.pubname = ?";
    private static final String PUBLISHED = "SELECT n.nspname, c.relname FROM pg_catalog.pg_publication_rel r"
            + " JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid JOIN pg_catalog.pg_class c ON c.oid = r.prrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE p.pubname = ?";
    private static final String NOT_OWNED = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE NOT pg_catalog.pg_has_role(c.relowner, 'USAGE') AND c.relkind IN ('r', 'p')";
    /** {@code wal_status} exists from PostgreSQL 13. */
    private static final int WAL_STATUS_VERSION_NUM = 130000;

    private PipelineObjects() {
    }

    /**
     * Checks the slot and the publication.
     *
     * @param roots the selected tables the publication would list (partitions go through their root)
     * @return whether the pipeline's slot exists (a run then needs no free slot)
     */
    static boolean check(Connection source, ServerFacts facts, PipelineConfig pipeline, List<QualifiedName> roots,
                         List<Finding> findings) throws SQLException {
        boolean slotExists = slot(source, facts, pipeline.slotName(), findings);
        publication(source, facts, pipeline, roots, findings);
        return slotExists;
    }

    private static boolean slot(Connection source, ServerFacts facts, String slot, List<Finding> findings)
            throws SQLException {
        String sql = String.format(SLOT, facts.versionNum() >= WAL_STATUS_VERSION_NUM ? "s.wal_status" : "NULL");
        try (PreparedStatement query = source.prepareStatement(sql)) {
            query.setString(1, slot);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                String name = "replication slot " + slot;
                if (!facts.database().equals(row.getString(1)) || !"pgoutput".equals(row.getString(4))) {
                    findings.add(Finding.blocker("slot_foreign", slot, name + " exists on the source but belongs to "
                            + (row.getString(1) == null ? "no database (a physical slot)" : "database "
                            + Text.ident(row.getString(1))) + " with plugin " + row.getString(4) + ", not to this"
                            + " pipeline in database " + Text.ident(facts.database()) + ": choose another --pipeline name,"
                            + " or drop the slot if nothing needs it"));
                } else if (row.getBoolean(2)) {
                    findings.add(Finding.blocker("slot_in_use", slot, name + " is in use by process "
                            + row.getInt(3) + " on the source: another walferry (or another client) is streaming this"
                            + " pipeline. Stop it first, or choose another --pipeline name"));
                } else if ("lost".equals(row.getString(5))) {
                    findings.add(Finding.blocker("slot_lost", slot, name + " was invalidated by the source (WAL it"
                            + " needed was removed, max_slot_wal_keep_size): the changes since the pipeline's last"
                            + " confirmed position are gone. Drop it (SELECT pg_drop_replication_slot('" + slot + "')),"
                            + " drop the pipeline's state in schema walferry on the target, and start the move again"));
                } else {
                    findings.add(Finding.info("slot_exists", slot, name + " exists: replicate resumes the pipeline from"
                            + " it. It holds " + row.getString(6) + " of WAL on the source until walferry confirms it"));
                }
                return true;
            }
        }
    }

    private static void publication(Connection source, ServerFacts facts, PipelineConfig pipeline,
                                    List<QualifiedName> roots, List<Finding> findings) throws SQLException {
        String name = pipeline.publicationName();
        boolean wantAll = pipeline.includeTables().isEmpty() && pipeline.excludeTables().isEmpty();
        Boolean allTables;
        try (PreparedStatement query = source.prepareStatement(PUBLICATION)) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                allTables = row.next() ? row.getBoolean(1) : null;
            }
        }
        if (allTables == null) {
            creatable(source, facts, name, wantAll, roots, findings);
        } else if (allTables != wantAll) {
            findings.add(Finding.blocker("publication_mismatch", name, "publication " + name + " exists on the source "
                    + (allTables ? "FOR ALL TABLES, but --tables or --exclude ask for some tables"
                    : "FOR TABLE, but without --tables or --exclude this run asks for all tables")
                    + ": PostgreSQL cannot turn one kind into the other under the pipeline's slot. Run with the"
                    + " --tables and --exclude the pipeline was started with, or use a new --pipeline name"));
        } else if (allTables) {
            findings.add(Finding.info("publication_exists", name, "publication " + name + " exists (FOR ALL TABLES):"
                    + " replicate reuses it"));
        } else {
            List<QualifiedName> published = names(source, PUBLISHED, name);
            List<String> missing = new ArrayList<>();
            for (QualifiedName root : roots) {
                if (!published.contains(root)) {
                    missing.add(root.toString());
                }
            }
            if (missing.isEmpty()) {
                findings.add(Finding.info("publication_exists", name, "publication " + name + " exists (FOR TABLE,"
                        + " " + published.size() + " tables): replicate reuses it, dropping the tables the patterns no"
                        + " longer select"));
            } else {
                findings.add(Finding.blocker("publication_mismatch", name, "the selection has " + missing.size()
                        + " table(s) that publication " + name + " lacks (" + Text.list(missing) + "): the pipeline's"
                        + " load copied only the tables selected when it ran, so replicate refuses to stream just"
                        + " their later changes. Copy their rows to the target and ALTER PUBLICATION " + Text.ident(name)
                        + " ADD TABLE them, or leave them out with --exclude"));
            }
        }
    }

    /** A publication FOR ALL TABLES needs a superuser; FOR TABLE, CREATE on the database and every table owned. */
    private static void creatable(Connection source, ServerFacts facts, String name, boolean wantAll,
                                  List<QualifiedName> roots, List<Finding> findings) throws SQLException {
        if (facts.superuser()) {
            return;
        }
        String user = Text.ident(facts.user());
        if (wantAll) {
            findings.add(Finding.blocker("publication_privilege", name, "replicate would create publication " + name
                    + " FOR ALL TABLES, which needs a superuser, and user " + user + " is not one: name the tables with"
                    + " --tables, or have a superuser run CREATE PUBLICATION " + Text.ident(name) + " FOR ALL TABLES"
                    + " WITH (publish_via_partition_root = true) before the move"));
            return;
        }
        if (!facts.createOnDatabase()) {
            findings.add(Finding.blocker("publication_privilege", name, "replicate would create publication " + name
                    + ", which needs the CREATE privilege on database " + Text.ident(facts.database()) + ": run GRANT"
                    + " CREATE ON DATABASE " + Text.ident(facts.database()) + " TO " + user + " on the source"));
        }
        List<QualifiedName> notOwned = names(source, NOT_OWNED, null);
        List<String> blocking = new ArrayList<>();
        for (QualifiedName root : roots) {
            if (notOwned.contains(root)) {
                blocking.add(root.toString());
            }
        }
        if (!blocking.isEmpty()) {
            findings.add(Finding.blocker("publication_privilege", name, "user " + user + " does not own "
                    + blocking.size() + " selected table(s) (" + Text.list(blocking) + "), and adding a table to"
                    + " publication " + name + " needs its owner: connect as the owner or a superuser, or have one of"
                    + " them create the publication before the move"));
        }
    }

    private static List<QualifiedName> names(Connection source, String sql, String parameter) throws SQLException {
        List<QualifiedName> names = new ArrayList<>();
        try (PreparedStatement query = source.prepareStatement(sql)) {
            if (parameter != null) {
                query.setString(1, parameter);
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(new QualifiedName(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return names;
    }
}
