package io.walferry.engine.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CREATE TABLE statements. A plain or partitioned table lists its columns with their types,
 * collations, defaults, identity (with the sequence's options), generation expressions and NOT NULL,
 * and its validated CHECK constraints. A partition is created {@code PARTITION OF} its parent, so it
 * takes the parent's columns, defaults, identity, generated columns and constraints the way
 * PostgreSQL gives them to a partition; only what the partition has on top of that is spelled out.
 */
final class TableDdl {
    private TableDdl() {
    }

    /**
     * @param checks    the table's own validated CHECK constraints
     * @param sequences the identity sequences, by name
     * @param tables    the selected tables, by name (to find a partition's parent)
     */
    static List<DdlStatement> create(Table table, List<Constraint> checks, Map<QualifiedName, Sequence> sequences,
                                     Map<QualifiedName, Table> tables) {
        List<String> elements = new ArrayList<>();
        List<DdlStatement> statements = new ArrayList<>();
        StringBuilder sql = new StringBuilder("CREATE ").append(table.unlogged() ? "UNLOGGED " : "").append("TABLE ")
                .append(table.name());
        if (table.isPartition()) {
            Table parent = tables.get(table.parent());
            for (Column column : table.columns()) {
                partitionColumn(table, column, parent.column(column.name()), elements, statements);
            }
            sql.append(" PARTITION OF ").append(table.parent());
        } else {
            for (Column column : table.columns()) {
                elements.add(column(column, sequences));
            }
        }
        for (Constraint check : checks) {
            elements.add("CONSTRAINT " + Sql.ident(check.name()) + " " + check.definition());
        }
        if (!elements.isEmpty() || !table.isPartition()) {
            sql.append(" (\n    ").append(String.join(",\n    ", elements)).append("\n)");
        }
        if (table.isPartition()) {
            sql.append(' ').append(table.partitionBound());
        }
        if (table.partitionKey() != null) {
            sql.append(" PARTITION BY ").append(table.partitionKey());
        }
        if (!table.storageOptions().isEmpty()) {
            sql.append(" WITH (").append(storageOptions(table.storageOptions())).append(')');
        }
        statements.add(0, new DdlStatement(table.isPartition() ? DdlKind.PARTITION : DdlKind.TABLE,
                table.name().quoted(), table.name(), sql.toString()));
        return statements;
    }

    private static String column(Column column, Map<QualifiedName, Sequence> sequences) {
        StringBuilder sql = new StringBuilder(Sql.ident(column.name())).append(' ').append(column.type());
        if (column.collation() != null) {
            sql.append(" COLLATE ").append(column.collation());
        }
        if (column.identity() != Column.Identity.NONE) {
            sql.append(' ').append(column.identity().clause());
            Sequence sequence = sequences.get(column.identitySequence());
            if (sequence != null) {
                sql.append(" (SEQUENCE NAME ").append(sequence.name()).append(' ').append(sequence.options()).append(')');
            }
        }
        if (column.generated() != Column.Generated.NONE) {
            sql.append(" GENERATED ALWAYS AS (").append(column.generationExpression()).append(") ")
                    .append(column.generated().keyword());
        }
        if (column.defaultExpression() != null) {
            sql.append(" DEFAULT ").append(column.defaultExpression());
        }
        if (column.notNull()) {
            sql.append(" NOT NULL");
        }
        return sql.toString();
    }

    /**
     * What a partition's column has that the parent's does not give it: another default, or NOT
     * NULL. A default the parent has and the partition dropped needs a statement of its own.
     */
    private static void partitionColumn(Table partition, Column column, Column parentColumn, List<String> elements,
                                        List<DdlStatement> statements) {
        StringBuilder options = new StringBuilder();
        String parentDefault = parentColumn == null ? null : parentColumn.defaultExpression();
        if (column.defaultExpression() != null && !column.defaultExpression().equals(parentDefault)) {
            options.append(" DEFAULT ").append(column.defaultExpression());
        } else if (column.defaultExpression() == null && parentDefault != null && column.generated() == Column.Generated.NONE) {
            statements.add(new DdlStatement(DdlKind.PARTITION, partition.name().quoted(), partition.name(),
                    "ALTER TABLE " + partition.name() + " ALTER COLUMN " + Sql.ident(column.name()) + " DROP DEFAULT"));
        }
        if (column.notNull() && (parentColumn == null || !parentColumn.notNull())) {
            options.append(" NOT NULL");
        }
        if (options.length() > 0) {
            elements.add(Sql.ident(column.name()) + " WITH OPTIONS" + options);
        }
    }

    private static String storageOptions(List<String> options) {
        List<String> quoted = new ArrayList<>(options.size());
        for (String option : options) {
            int equals = option.indexOf('=');
            quoted.add(equals < 0 ? option : option.substring(0, equals) + "=" + Sql.literal(option.substring(equals + 1)));
        }
        return String.join(", ", quoted);
    }

    /** {@code ALTER TABLE t REPLICA IDENTITY ...} for FULL and NOTHING; USING INDEX follows its index. */
    static DdlStatement replicaIdentity(Table table) {
        return new DdlStatement(DdlKind.REPLICA_IDENTITY, table.name().quoted(), table.name(),
                "ALTER TABLE " + table.name() + " REPLICA IDENTITY " + table.replicaIdentity().name());
    }
}
