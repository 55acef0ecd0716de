package io.walferry.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the selected source tables need on the target, read from the catalogs with nothing but
 * JDBC, and the DDL that creates it, in the phases of a load: {@link #preData()} before the rows are
 * copied; {@link #primaryKeys()}, {@link #indexes()} and {@link #foreignKeys()} after, each a list of
 * independent statements the loader may run as parallel jobs; {@link #validations()} last; and
 * {@link #sequenceValues()} at the end of the load and again at cutover. Building indexes and
 * constraints after the data is much faster than maintaining them row by row during COPY.
 *
 * <p>Everything prints schema-qualified ({@code search_path} is pinned to {@code pg_catalog} while
 * reading) and every identifier this class writes is quoted, so the statements mean the same on a
 * target with any search path. The model is immutable; read it again to see later changes.
 *
 * <p>What is copied: schemas, the extensions the tables' types, operator classes and defaults come
 * from, enums, domains (defaults, NOT NULL, checks), composite and range types, sequences owned or
 * used by the tables (with their values), tables and columns (type, collation, default, identity,
 * generated, NOT NULL), UNLOGGED, storage parameters, partitioned tables and every partition below a
 * selected root, primary keys, unique, check, exclusion and foreign-key constraints, secondary
 * indexes, replica identity, and comments on tables and columns. {@link #report()} names what is
 * not. Source servers must run PostgreSQL 13 or later.
 */
public final class SourceSchema {
    private static final int OLDEST_SOURCE_VERSION_NUM = 130000;

    private final int sourceVersionNum;
    private final List<Extension> extensions;
    private final List<UserType> types;
    private final List<Sequence> sequences;
    private final List<Table> tables;
    private final Map<QualifiedName, Table> tablesByName;
    private final List<Constraint> constraints;
    private final List<Index> indexes;
    private final List<SchemaReport.Entry> notCopied;

    private SourceSchema(int sourceVersionNum, List<Extension> extensions, List<UserType> types,
                         List<Sequence> sequences, List<Table> tables, List<Constraint> constraints, List<Index> indexes,
                         List<SchemaReport.Entry> notCopied) {
        this.sourceVersionNum = sourceVersionNum;
        this.extensions = List.copyOf(extensions);
        this.types = List.copyOf(types);
        this.sequences = List.copyOf(sequences);
        this.tables = List.copyOf(tables);
        this.tablesByName = tables.stream().collect(Collectors.toUnmodifiableMap(Table::name, Function.identity()));
        this.constraints = List.copyOf(constraints);
        this.indexes = List.copyOf(indexes);
        this.notCopied = List.copyOf(notCopied);
    }

    /**
     * Reads what the tables {@code tableFilter} selects need. The filter is asked with the schema
     * and table name of every plain table and partition root; partitions go with their root.
     * Run it inside the load's snapshot (a REPEATABLE READ transaction, or the slot's exported
     * snapshot) for a model consistent with the rows copied; on a connection in auto-commit mode it
     * opens a read-only REPEATABLE READ transaction of its own. Sequence values are read as they
     * are now, whatever the snapshot.
     *
     * @throws SQLException when a catalog query fails, or a sequence cannot be read (the message
     *         names it); the caller's search path is restored either way
     */
    public static SourceSchema read(Connection source, BiPredicate<String, String> tableFilter) throws SQLException {
        Objects.requireNonNull(tableFilter, "tableFilter");
        boolean ownTransaction = source.getAutoCommit();
        int isolation = source.getTransactionIsolation();
        boolean readOnly = source.isReadOnly();
        if (ownTransaction) {
            source.setAutoCommit(false);
            source.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            source.setReadOnly(true);
        }
        try (Catalog catalog = Catalog.open(source)) {
            if (catalog.versionNum() < OLDEST_SOURCE_VERSION_NUM) {
                throw new SQLException("the source runs PostgreSQL " + catalog.versionNum() / 10000 + ", and the"
                        + " built-in schema copy reads the catalogs of PostgreSQL 13 or later; create the schema on the"
                        + " target (pg_dump --schema-only) and use --schema existing", "0A000");
            }
            return read(catalog, source, tableFilter);
        } finally {
            if (ownTransaction) {
                source.rollback();
                source.setAutoCommit(true);
                source.setTransactionIsolation(isolation);
                source.setReadOnly(readOnly);
            }
        }
    }

    private static SourceSchema read(Catalog catalog, Connection source, BiPredicate<String, String> tableFilter)
            throws SQLException {
        TableCatalog.Selection selection = TableCatalog.read(catalog, tableFilter);
        DependencyCatalog.Needs needs = DependencyCatalog.read(catalog, selection);
        List<UserType> types = TypeCatalog.read(catalog, needs.typeOids());
        SequenceCatalog.Read sequences = SequenceCatalog.read(catalog, source, selection);
        ConstraintCatalog.Read constraints = ConstraintCatalog.read(catalog, selection);
        List<SchemaReport.Entry> notCopied = new ArrayList<>(needs.missing());
        notCopied.addAll(constraints.skipped());
        notCopied.addAll(Inventory.read(catalog, selection, needs.typeOids(), sequences.oids(), needs.extensions()));
        return new SourceSchema(catalog.versionNum(), needs.extensions(), types, sequences.sequences(),
                new ArrayList<>(selection.tables().values()), constraints.constraints(), constraints.indexes(),
                notCopied);
    }

    /** {@code server_version_num} of the source, e.g. 170004. */
    public int sourceVersionNum() {
        return sourceVersionNum;
    }

    /** The selected tables, every partitioned table before its partitions. */
    public List<Table> tables() {
        return tables;
    }

    /** The selected table named {@code name}, or null. */
    public Table table(QualifiedName name) {
        return tablesByName.get(name);
    }

    /** The extensions the tables need. */
    public List<Extension> extensions() {
        return extensions;
    }

    /** The user types the tables need, each after the types it is built from. */
    public List<UserType> types() {
        return types;
    }

    /** The sequences the tables own or use, with their values when read. */
    public List<Sequence> sequences() {
        return sequences;
    }

    /** The constraints to create (inherited ones left out: they come back with their parent's). */
    public List<Constraint> constraints() {
        return constraints;
    }

    /** The secondary indexes to create (the model; {@link #indexes()} is their DDL). */
    public List<Index> secondaryIndexes() {
        return indexes;
    }

    /**
     * Statements to run in order before the rows are copied: schemas ({@code IF NOT EXISTS}, so
     * {@code public} is fine), extensions, types, sequences, tables with their columns, partitions
     * ({@code PARTITION OF}), sequence ownership, replica identity FULL or NOTHING, comments.
     *
     * <p>Validated CHECK constraints are part of CREATE TABLE: checking an expression on each row
     * as COPY writes it costs far less than a separate scan of the whole table afterwards, and
     * rows that passed it on the source pass it on the target. A CHECK the source has NOT VALID may
     * have rows that fail it, so it is added after the load, in {@link #foreignKeys()}.
     */
    public List<DdlStatement> preData() {
        return SchemaDdl.preData(this);
    }

    /**
     * One {@code ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY} per table, independent of each
     * other. On a partitioned table it also creates the key of every partition, so partitions get
     * none of their own here.
     */
    public List<DdlStatement> primaryKeys() {
        return SchemaDdl.primaryKeys(this);
    }

    /**
     * Unique and exclusion constraints and secondary indexes, independent of each other. An index
     * or constraint on a partitioned table cascades to the partitions, and the partitions' copies
     * are not listed again.
     */
    public List<DdlStatement> indexes() {
        return SchemaDdl.indexes(this);
    }

    /**
     * Foreign keys, added {@code NOT VALID} (except those on or towards a partitioned table, see
     * {@link #validations()}), and CHECK constraints the source has NOT VALID. Run after
     * {@link #primaryKeys()} and {@link #indexes()}: a foreign key needs the referenced key.
     */
    public List<DdlStatement> foreignKeys() {
        return SchemaDdl.foreignKeys(this);
    }

    /**
     * {@code VALIDATE CONSTRAINT} for each foreign key added NOT VALID: it checks the rows under a
     * lock that lets writes go on. A foreign key on or towards a partitioned table is added valid at
     * once (PostgreSQL before 18 cannot add the first NOT VALID, and does not validate the second
     * completely), and one the source never validated stays NOT VALID.
     */
    public List<DdlStatement> validations() {
        return SchemaDdl.validations(this);
    }

    /** {@code setval} of every sequence to its value when the schema was read. */
    public List<DdlStatement> sequenceValues() {
        return SchemaDdl.sequenceValues(sequences);
    }

    /**
     * {@code setval} of every sequence to its value now, read again from {@code source}: for the
     * end of the load and for cutover, when the values have moved on.
     */
    public List<DdlStatement> sequenceValues(Connection source) throws SQLException {
        return SchemaDdl.sequenceValues(SequenceCatalog.withCurrentValues(source, sequences));
    }

    /** What the statements create, and what exists around the tables that they do not. */
    public SchemaReport report() {
        return SchemaReport.of(this, notCopied);
    }

    /**
     * What a target of {@code targetMajorVersion} cannot create, one message per object, e.g. an
     * index with NULLS NOT DISTINCT on PostgreSQL 14. Empty when the DDL fits that version. Check
     * it before running {@link #preData()} on an older target.
     */
    public List<String> incompatibilitiesWith(int targetMajorVersion) {
        return TargetVersionCheck.incompatibilities(this, targetMajorVersion);
    }
}
