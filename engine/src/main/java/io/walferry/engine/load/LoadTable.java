package io.walferry.engine.load;

import java.util.List;

/**
 * One unit of the load: a table as the publication sees it (a plain table, or a partitioned table
 * standing for its whole tree, since changes are published through the partition root), with the
 * leaf tables that hold its rows.
 *
 * @param schema         the table's schema
 * @param name           the table's name
 * @param partitioned    whether it is a partitioned table (rows live in {@code leaves})
 * @param columns        the columns copied, in the table's order: every column except dropped and
 *                       generated ones (the target computes generated columns itself)
 * @param binarySafe     whether every column's type is built into PostgreSQL and has binary send and
 *                       receive functions, so that binary COPY means the same on both sides (binary
 *                       arrays and composites name their element types by OID, and the OIDs of
 *                       user-defined types differ between servers; the {@code reg*} types, whose
 *                       binary form is the OID they name, are left to text too)
 * @param leaves         the tables holding the rows: the table itself, or the partitions
 * @param estimatedRows  the planner's row estimate ({@code reltuples}), -1 when unknown
 */
public record LoadTable(String schema, String name, boolean partitioned, List<String> columns, boolean binarySafe,
                        List<Leaf> leaves, long estimatedRows) {

    public LoadTable {
        columns = List.copyOf(columns);
        leaves = List.copyOf(leaves);
    }

    /**
     * A table that holds rows of a {@link LoadTable}.
     *
     * @param schema    its schema
     * @param name      its name
     * @param sizeBytes the size of its main fork ({@code pg_relation_size})
     * @param pages     its size in pages
     */
    public record Leaf(String schema, String name, long sizeBytes, long pages) {
        String qualified() {
            return Identifiers.qualified(schema, name);
        }
    }

    /** {@code "schema"."name"}, quoted. */
    public String qualified() {
        return Identifiers.qualified(schema, name);
    }

    /** The size of all leaves. */
    public long sizeBytes() {
        long size = 0;
        for (Leaf leaf : leaves) {
            size += leaf.sizeBytes();
        }
        return size;
    }

    /** For messages: {@code public.orders}. */
    public String displayName() {
        return schema + "." + name;
    }
}
