package io.walferry.engine.schema;

import java.util.Objects;

/**
 * A secondary index: one that backs no primary key, unique or exclusion constraint, and is not a
 * partition's index attached to its parent's (that one comes back with the parent's index).
 *
 * @param table      the table it is on
 * @param name       the index name (in the table's schema)
 * @param definition {@code pg_get_indexdef} under {@code search_path = pg_catalog}, with
 *                   {@code ON ONLY} dropped for a partitioned table so that the index cascades
 */
public record Index(QualifiedName table, String name, String definition) {

    public Index {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
    }

    /** The index as {@code "schema"."name"}. */
    public String quotedName() {
        return new QualifiedName(table.schema(), name).quoted();
    }
}
