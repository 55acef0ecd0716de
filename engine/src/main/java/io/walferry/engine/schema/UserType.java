package io.walferry.engine.schema;

import java.util.Objects;

/**
 * A user-defined type the selected tables' columns need (directly, in an array, or through another
 * type): an enum, a domain, a composite or a range type. Types of extensions come with their
 * extension instead.
 *
 * @param name      the type
 * @param kind      enum, domain, composite or range
 * @param createSql the complete CREATE TYPE or CREATE DOMAIN statement
 */
public record UserType(QualifiedName name, Kind kind, String createSql) {

    public UserType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(createSql, "createSql");
    }

    /** {@code pg_type.typtype}, for the kinds the copy creates. */
    public enum Kind {
        ENUM, DOMAIN, COMPOSITE, RANGE
    }
}
