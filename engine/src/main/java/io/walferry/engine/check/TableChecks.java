package io.walferry.engine.check;

import io.walferry.engine.schema.QualifiedName;
import io.walferry.engine.schema.Sequence;
import io.walferry.engine.schema.SourceSchema;
import io.walferry.engine.schema.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks that need nothing but the source's schema model: which tables logical replication can
 * carry, and what it never carries.
 */
final class TableChecks {
    private TableChecks() {
    }

    static List<Finding> check(SourceSchema schema) {
        List<Finding> findings = new ArrayList<>();
        for (Table table : schema.tables()) {
            if (table.unlogged()) {
                findings.add(Finding.warning("unlogged_table", table.name().toString(), "table " + table.name()
                        + " is UNLOGGED: logical replication does not carry its changes and the load does not copy its"
                        + " rows, so the schema copy creates it empty on the target. Run ALTER TABLE " + table.name()
                        + " SET LOGGED to move its rows, or leave it out with --exclude " + pattern(schema, table)));
            } else if (!table.partitioned()) {
                replicaIdentity(schema, table, findings);
            }
        }
        List<String> sequences = new ArrayList<>();
        for (Sequence sequence : schema.sequences()) {
            sequences.add(sequence.name().toString());
        }
        if (!sequences.isEmpty()) {
            findings.add(Finding.info("sequences", "", sequences.size() + " sequence(s) used by the selected tables ("
                    + Text.list(sequences) + ") are not replicated by logical replication: walferry sets their values"
                    + " at the end of the load, and they must be set past the source's values again at cutover, while"
                    + " writes are frozen, before the application writes to the target"));
        }
        return findings;
    }

    /**
     * A table PostgreSQL publishes updates and deletes of needs a replica identity: without one the
     * source itself refuses those statements once the table is in the publication. Partitions are
     * checked one by one, because the identity of the partition a row is in is the one that counts.
     */
    private static void replicaIdentity(SourceSchema schema, Table table, List<Finding> findings) {
        String name = table.name().toString();
        boolean keyless = table.primaryKey().isEmpty();
        switch (table.replicaIdentity()) {
            case NOTHING:
                findings.add(Finding.blocker("replica_identity", name, "table " + name + " has REPLICA IDENTITY"
                        + " NOTHING: once it is in the publication, the source refuses its UPDATEs and DELETEs (\"cannot"
                        + " update table because it does not have a replica identity and publishes updates\"). Run ALTER"
                        + " TABLE " + name + " REPLICA IDENTITY " + (keyless ? "FULL (or add a primary key)" : "DEFAULT")
                        + ", or leave it out with --exclude " + pattern(schema, table)));
                break;
            case DEFAULT:
                if (keyless) {
                    findings.add(Finding.blocker("replica_identity", name, "table " + name + " has no primary key and"
                            + " REPLICA IDENTITY DEFAULT: once it is in the publication, the source refuses its UPDATEs"
                            + " and DELETEs, and they could not be replicated. Run ALTER TABLE " + name + " REPLICA"
                            + " IDENTITY FULL, or add a primary key (or REPLICA IDENTITY USING INDEX on a unique index of"
                            + " NOT NULL columns), or leave it out with --exclude " + pattern(schema, table)));
                }
                break;
            case FULL:
                findings.add(Finding.warning("replica_identity_full", name, "table " + name + " has REPLICA IDENTITY"
                        + " FULL: every UPDATE and DELETE writes the whole old row to the WAL and sends it, " + (keyless
                        ? "and without a key the target finds each row by comparing every column, which is slow on a"
                        + " large table. Add a primary key if the rows have one, then run ALTER TABLE " + name
                        + " REPLICA IDENTITY DEFAULT"
                        : "though its primary key would do. Run ALTER TABLE " + name + " REPLICA IDENTITY DEFAULT")));
                break;
            default:
                break; // USING INDEX: a unique key of NOT NULL columns, as good as a primary key
        }
    }

    /** The {@code --exclude} pattern that leaves the table out: a partition goes with its root. */
    private static String pattern(SourceSchema schema, Table table) {
        Table root = table;
        while (root.parent() != null && schema.table(root.parent()) != null) {
            root = schema.table(root.parent());
        }
        QualifiedName name = root.name();
        return name.schema() + "." + name.name();
    }
}
