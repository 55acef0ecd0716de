package io.walferry.engine.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes the statements of each phase of the schema copy from a {@link SourceSchema}. See
 * {@link SourceSchema#preData()} and the other phase methods for what each phase holds and why.
 */
final class SchemaDdl {
    private SchemaDdl() {
    }

    static List<DdlStatement> preData(SourceSchema schema) {
        List<DdlStatement> statements = new ArrayList<>();
        for (String name : schemaNames(schema)) {
            statements.add(new DdlStatement(DdlKind.SCHEMA, Sql.ident(name), null,
                    "CREATE SCHEMA IF NOT EXISTS " + Sql.ident(name)));
        }
        for (Extension extension : schema.extensions()) {
            statements.add(new DdlStatement(DdlKind.EXTENSION, Sql.ident(extension.name()), null,
                    "CREATE EXTENSION IF NOT EXISTS " + Sql.ident(extension.name()) + " WITH SCHEMA "
                            + Sql.ident(extension.schema()) + " CASCADE"));
        }
        for (UserType type : schema.types()) {
            statements.add(new DdlStatement(DdlKind.TYPE, type.name().quoted(), null, type.createSql()));
        }
        Map<QualifiedName, Sequence> identitySequences = new HashMap<>();
        for (Sequence sequence : schema.sequences()) {
            if (sequence.identity()) {
                identitySequences.put(sequence.name(), sequence);
            } else {
                statements.add(new DdlStatement(DdlKind.SEQUENCE, sequence.name().quoted(), null, "CREATE "
                        + (sequence.unlogged() ? "UNLOGGED " : "") + "SEQUENCE " + sequence.name() + " AS "
                        + sequence.type() + " " + sequence.options()));
            }
        }
        Map<QualifiedName, Table> tables = new HashMap<>();
        for (Table table : schema.tables()) {
            tables.put(table.name(), table);
        }
        for (Table table : schema.tables()) {
            statements.addAll(TableDdl.create(table, validatedChecks(schema, table), identitySequences, tables));
        }
        for (Sequence sequence : schema.sequences()) {
            if (!sequence.identity() && sequence.ownerTable() != null) {
                statements.add(new DdlStatement(DdlKind.SEQUENCE_OWNER, sequence.name().quoted(), sequence.ownerTable(),
                        "ALTER SEQUENCE " + sequence.name() + " OWNED BY " + sequence.ownerTable() + "."
                                + Sql.ident(sequence.ownerColumn())));
            }
        }
        for (Table table : schema.tables()) {
            if (table.replicaIdentity() == Table.ReplicaIdentity.FULL
                    || table.replicaIdentity() == Table.ReplicaIdentity.NOTHING) {
                statements.add(TableDdl.replicaIdentity(table));
            }
        }
        statements.addAll(comments(schema));
        return statements;
    }

    static List<DdlStatement> primaryKeys(SourceSchema schema) {
        List<DdlStatement> statements = new ArrayList<>();
        for (Constraint constraint : schema.constraints()) {
            if (constraint.kind() == Constraint.Kind.PRIMARY_KEY) {
                statements.add(addConstraint(schema, constraint, DdlKind.PRIMARY_KEY, constraint.definition()));
            }
        }
        return statements;
    }

    static List<DdlStatement> indexes(SourceSchema schema) {
        List<DdlStatement> statements = new ArrayList<>();
        for (Constraint constraint : schema.constraints()) {
            if (constraint.kind() == Constraint.Kind.UNIQUE) {
                statements.add(addConstraint(schema, constraint, DdlKind.UNIQUE_CONSTRAINT, constraint.definition()));
            } else if (constraint.kind() == Constraint.Kind.EXCLUSION) {
                statements.add(addConstraint(schema, constraint, DdlKind.EXCLUSION_CONSTRAINT, constraint.definition()));
            }
        }
        for (Index index : schema.secondaryIndexes()) {
            statements.add(new DdlStatement(DdlKind.INDEX, index.quotedName(), index.table(),
                    index.definition() + replicaIdentityUsing(schema, index.table(), index.name())));
        }
        return statements;
    }

    static List<DdlStatement> foreignKeys(SourceSchema schema) {
        List<DdlStatement> statements = new ArrayList<>();
        for (Constraint constraint : schema.constraints()) {
            if (constraint.kind() == Constraint.Kind.FOREIGN_KEY) {
                String definition = needsValidation(schema, constraint)
                        ? constraint.definition() + " NOT VALID" : constraint.definition();
                statements.add(addConstraint(schema, constraint, DdlKind.FOREIGN_KEY, definition));
            } else if (constraint.kind() == Constraint.Kind.CHECK && !constraint.validated()) {
                statements.add(addConstraint(schema, constraint, DdlKind.CHECK_CONSTRAINT, constraint.definition()));
            }
        }
        return statements;
    }

    static List<DdlStatement> validations(SourceSchema schema) {
        List<DdlStatement> statements = new ArrayList<>();
        for (Constraint constraint : schema.constraints()) {
            if (constraint.kind() == Constraint.Kind.FOREIGN_KEY && needsValidation(schema, constraint)) {
                statements.add(new DdlStatement(DdlKind.VALIDATE_CONSTRAINT, constraint.quotedName(), constraint.table(),
                        "ALTER TABLE " + constraint.table() + " VALIDATE CONSTRAINT " + Sql.ident(constraint.name())));
            }
        }
        return statements;
    }

    static List<DdlStatement> sequenceValues(List<Sequence> sequences) {
        List<DdlStatement> statements = new ArrayList<>(sequences.size());
        for (Sequence sequence : sequences) {
            statements.add(new DdlStatement(DdlKind.SEQUENCE_VALUE, sequence.name().quoted(), sequence.ownerTable(),
                    "SELECT pg_catalog.setval(" + Sql.literal(sequence.name().quoted()) + ", " + sequence.lastValue()
                            + ", " + sequence.isCalled() + ")"));
        }
        return statements;
    }

    /**
     * A foreign key the source has validated is added NOT VALID after the load and validated in a
     * later step, which checks the rows without blocking writes. The exceptions are added as they
     * are: one the source never validated (its definition already says NOT VALID), and one with a
     * partitioned table on either side. PostgreSQL before 18 cannot add a foreign key NOT VALID on a
     * partitioned table, and its VALIDATE CONSTRAINT leaves the clones towards each partition of a
     * referenced partitioned table NOT VALID.
     */
    private static boolean needsValidation(SourceSchema schema, Constraint constraint) {
        return constraint.validated() && !isPartitioned(schema, constraint.table())
                && !isPartitioned(schema, constraint.referencedTable());
    }

    private static boolean isPartitioned(SourceSchema schema, QualifiedName name) {
        Table table = name == null ? null : schema.table(name);
        return table != null && table.partitioned();
    }

    private static List<Constraint> validatedChecks(SourceSchema schema, Table table) {
        List<Constraint> checks = new ArrayList<>();
        for (Constraint constraint : schema.constraints()) {
            if (constraint.kind() == Constraint.Kind.CHECK && constraint.validated()
                    && constraint.table().equals(table.name())) {
                checks.add(constraint);
            }
        }
        return checks;
    }

    private static DdlStatement addConstraint(SourceSchema schema, Constraint constraint, DdlKind kind,
                                              String definition) {
        return new DdlStatement(kind, constraint.quotedName(), constraint.table(), "ALTER TABLE " + constraint.table()
                + " ADD CONSTRAINT " + Sql.ident(constraint.name()) + " " + definition
                + replicaIdentityUsing(schema, constraint.table(), constraint.name()));
    }

    /** REPLICA IDENTITY USING INDEX runs right after the index it names is created, in the same job. */
    private static String replicaIdentityUsing(SourceSchema schema, QualifiedName tableName, String indexName) {
        Table table = schema.table(tableName);
        if (table == null || table.replicaIdentity() != Table.ReplicaIdentity.INDEX
                || !indexName.equals(table.replicaIdentityIndex())) {
            return "";
        }
        return ";\nALTER TABLE " + tableName + " REPLICA IDENTITY USING INDEX " + Sql.ident(indexName);
    }

    private static List<DdlStatement> comments(SourceSchema schema) {
        List<DdlStatement> statements = new ArrayList<>();
        for (Table table : schema.tables()) {
            if (table.comment() != null) {
                statements.add(new DdlStatement(DdlKind.COMMENT, table.name().quoted(), table.name(),
                        "COMMENT ON TABLE " + table.name() + " IS " + Sql.literal(table.comment())));
            }
            for (Column column : table.columns()) {
                if (column.comment() != null) {
                    String name = table.name() + "." + Sql.ident(column.name());
                    statements.add(new DdlStatement(DdlKind.COMMENT, name, table.name(),
                            "COMMENT ON COLUMN " + name + " IS " + Sql.literal(column.comment())));
                }
            }
        }
        return statements;
    }

    private static TreeSet<String> schemaNames(SourceSchema schema) {
        TreeSet<String> names = new TreeSet<>();
        for (Extension extension : schema.extensions()) {
            names.add(extension.schema());
        }
        for (UserType type : schema.types()) {
            names.add(type.name().schema());
        }
        for (Sequence sequence : schema.sequences()) {
            names.add(sequence.name().schema());
        }
        for (Table table : schema.tables()) {
            names.add(table.name().schema());
        }
        return names;
    }
}
