package io.walferry.engine.schema;

import java.util.Objects;

/**
 * A schema-qualified object name as the catalogs spell it (unquoted, case kept). Its
 * {@link #toString()} is the quoted SQL form, {@code "public"."Order Lines"}, so that every
 * message and statement names the object unambiguously.
 *
 * @param schema the schema (namespace) name
 * @param name   the object's name within the schema
 */
public record QualifiedName(String schema, String name) implements Comparable<QualifiedName> {

    public QualifiedName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    /** {@code "schema"."name"}, each part quoted. */
    public String quoted() {
        return Sql.ident(schema) + "." + Sql.ident(name);
    }

    @Override
    public int compareTo(QualifiedName other) {
        int bySchema = schema.compareTo(other.schema);
        return bySchema != 0 ? bySchema : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return quoted();
    }
}
