package io.walferry.applier.sql;

/**
 * One column of a target table, as the target's catalog describes it.
 *
 * @param name           column name
 * @param typeName       the column's type as {@code format_type} spells it in the applier's session
 *                       (schema-qualified unless in {@code pg_catalog}, with its modifier), used to
 *                       cast text values: {@code numeric(10,2)}, {@code public.mood[]}
 * @param alwaysIdentity {@code GENERATED ALWAYS AS IDENTITY}: written only with
 *                       {@code OVERRIDING SYSTEM VALUE}, never updated
 * @param generated      a generated column (stored, or virtual on PostgreSQL 18): never written
 * @param primaryKey     part of the target table's primary key
 */
public record TargetColumn(String name, String typeName, boolean alwaysIdentity, boolean generated,
                           boolean primaryKey) {
}
