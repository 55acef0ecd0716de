package io.walferry.engine.schema;

import java.util.Objects;

/**
 * A table constraint the schema copy recreates. Constraints that partitions inherit from their
 * parent are not listed: they come back when the parent's constraint is added.
 *
 * @param table           the table it is on
 * @param name            the constraint name
 * @param kind            primary key, unique, check, exclusion or foreign key
 * @param definition      {@code pg_get_constraintdef} under {@code search_path = pg_catalog}
 *                        ({@code FOREIGN KEY (a) REFERENCES public.t(id)}); NOT VALID included when
 *                        the source's constraint is not validated
 * @param validated       whether the source has it validated ({@code convalidated})
 * @param referencedTable the referenced table of a foreign key, else null
 */
public record Constraint(QualifiedName table, String name, Kind kind, String definition, boolean validated,
                         QualifiedName referencedTable) {

    public Constraint {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(definition, "definition");
    }

    /** The constraint as {@code "schema"."name"} (constraints live in their table's schema). */
    public String quotedName() {
        return new QualifiedName(table.schema(), name).quoted();
    }

    /** {@code pg_constraint.contype}, for the kinds the copy handles. */
    public enum Kind {
        PRIMARY_KEY, UNIQUE, CHECK, EXCLUSION, FOREIGN_KEY;

        static Kind of(String contype) {
            switch (contype) {
                case "p": return PRIMARY_KEY;
                case "u": return UNIQUE;
                case "c": return CHECK;
                case "x": return EXCLUSION;
                case "f": return FOREIGN_KEY;
                default: throw new IllegalStateException("pg_constraint.contype: " + contype
                        + " (expected: p, u, c, x or f)");
            }
        }
    }
}
