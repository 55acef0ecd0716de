package io.walferry.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For {@code --schema existing}: checks, column by column, that the target's tables can take the
 * source's rows, and lists every difference that would make the load or the apply fail or change
 * data, in words an operator can act on:
 * {@code table "public"."orders": column "total" is numeric(10,2) on the source, integer on the target}.
 *
 * <p>Types are compared as {@code format_type} prints them on each side with
 * {@code search_path = pg_catalog}, which spells a type the same way on every supported version.
 * Differences that do not matter are accepted: a column the source has NOT NULL and the target
 * allows NULL in, and extra target columns that are nullable, have a default, or are identity or
 * generated columns (the load leaves them to the target). A generated column must be generated on
 * both sides: the load never writes one, and the target must not compute a column the source sends.
 */
public final class SchemaComparison {
    private SchemaComparison() {
    }

    /**
     * Compares every table of {@code source} with the table of the same name on {@code target}.
     *
     * @return the differences, one sentence each; empty when the target fits
     */
    public static List<String> compare(SourceSchema source, Connection target) throws SQLException {
        Set<QualifiedName> roots = new HashSet<>();
        for (Table table : source.tables()) {
            if (!table.isPartition()) {
                roots.add(table.name());
            }
        }
        Map<QualifiedName, Table> targetTables = new HashMap<>();
        try (Catalog catalog = Catalog.open(target)) {
            TableCatalog.Selection selection = TableCatalog.read(catalog,
                    (schema, name) -> roots.contains(new QualifiedName(schema, name)));
            for (Table table : selection.tables().values()) {
                targetTables.put(table.name(), table);
            }
        }
        List<String> differences = new ArrayList<>();
        for (Table table : source.tables()) {
            Table onTarget = targetTables.get(table.name());
            if (onTarget == null) {
                differences.add("table " + table.name() + " is missing on the target");
            } else {
                compareTable(table, onTarget, differences);
            }
        }
        return differences;
    }

    private static void compareTable(Table source, Table target, List<String> differences) {
        String prefix = "table " + source.name() + ": ";
        for (Column column : source.columns()) {
            Column onTarget = target.column(column.name());
            String name = "column " + Sql.ident(column.name());
            if (onTarget == null) {
                differences.add(prefix + name + " is missing on the target");
                continue;
            }
            if (!column.type().equals(onTarget.type())) {
                differences.add(prefix + name + " is " + column.type() + " on the source, " + onTarget.type()
                        + " on the target");
            }
            boolean generated = column.generated() != Column.Generated.NONE;
            boolean generatedOnTarget = onTarget.generated() != Column.Generated.NONE;
            if (generated && !generatedOnTarget) {
                differences.add(prefix + name + " is generated on the source but not on the target");
            } else if (!generated && generatedOnTarget) {
                differences.add(prefix + name + " is generated on the target but not on the source,"
                        + " so the source's values cannot be written to it");
            }
            if (onTarget.notNull() && !column.notNull() && !generated) {
                differences.add(prefix + name + " is NOT NULL on the target but nullable on the source");
            }
        }
        for (Column column : target.columns()) {
            if (source.column(column.name()) == null && column.notNull() && column.defaultExpression() == null
                    && column.identity() == Column.Identity.NONE && column.generated() == Column.Generated.NONE) {
                differences.add(prefix + "column " + Sql.ident(column.name()) + " exists only on the target and is"
                        + " NOT NULL without a default, so rows from the source cannot be inserted");
            }
        }
        if (!source.primaryKey().equals(target.primaryKey())) {
            differences.add(prefix + "the primary key is " + key(source.primaryKey()) + " on the source, "
                    + key(target.primaryKey()) + " on the target");
        }
    }

    private static String key(List<String> columns) {
        return columns.isEmpty() ? "missing" : "(" + Sql.identList(columns) + ")";
    }
}
