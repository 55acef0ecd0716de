package io.walferry.engine.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds what an older target cannot create, so that a move to an older major version fails before
 * the first statement with the list of objects to change, rather than halfway through the DDL with
 * a syntax error. It checks the features newer than PostgreSQL 13 that the copied DDL can carry.
 */
final class TargetVersionCheck {
    private TargetVersionCheck() {
    }

    static List<String> incompatibilities(SourceSchema schema, int target) {
        List<String> problems = new ArrayList<>();
        for (Table table : schema.tables()) {
            for (Column column : table.columns()) {
                String name = "column " + table.name() + "." + Sql.ident(column.name());
                if (column.generated() == Column.Generated.VIRTUAL) {
                    require(problems, target, 18, name + " is a virtual generated column");
                }
                if (column.collation() != null && column.collation().schema().equals("pg_catalog")) {
                    String collation = column.collation().name();
                    if (collation.equals("pg_c_utf8")) {
                        require(problems, target, 17, name + " uses the builtin collation pg_c_utf8");
                    } else if (collation.equals("pg_unicode_fast")) {
                        require(problems, target, 18, name + " uses the builtin collation pg_unicode_fast");
                    }
                }
            }
        }
        for (Sequence sequence : schema.sequences()) {
            if (sequence.unlogged()) {
                require(problems, target, 15, "sequence " + sequence.name() + " is UNLOGGED");
            }
        }
        for (Constraint constraint : schema.constraints()) {
            definitionFeatures(problems, target, "constraint " + constraint.quotedName() + " on table "
                    + constraint.table(), constraint.definition());
        }
        for (Index index : schema.secondaryIndexes()) {
            definitionFeatures(problems, target, "index " + index.quotedName(), index.definition());
        }
        return problems;
    }

    /** Features that {@code pg_get_constraintdef} and {@code pg_get_indexdef} spell out in the definition. */
    private static void definitionFeatures(List<String> problems, int target, String object, String definition) {
        if (definition.contains("NULLS NOT DISTINCT")) {
            require(problems, target, 15, object + " uses NULLS NOT DISTINCT");
        }
        if (definition.contains(" WITHOUT OVERLAPS") || definition.contains("PERIOD ")) {
            require(problems, target, 18, object + " is a temporal key (WITHOUT OVERLAPS or PERIOD)");
        }
        if (definition.contains("NOT ENFORCED")) {
            require(problems, target, 18, object + " is NOT ENFORCED");
        }
    }

    private static void require(List<String> problems, int target, int needed, String what) {
        if (target < needed) {
            problems.add(what + ", which PostgreSQL " + target + " does not support (it needs " + needed
                    + " or later): change it on the source, or move to PostgreSQL " + needed + " or later");
        }
    }
}
