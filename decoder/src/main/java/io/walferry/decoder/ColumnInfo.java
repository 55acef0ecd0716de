package io.walferry.decoder;

/**
 * One column of a published relation, as the Relation message describes it.
 *
 * @param name         column name
 * @param typeOid      OID of the column's data type ({@code pg_type.oid})
 * @param typeModifier type modifier ({@code atttypmod}), -1 when none
 * @param key          true when the column is part of the replica identity key (flag bit 1)
 */
public record ColumnInfo(String name, int typeOid, int typeModifier, boolean key) {
}
