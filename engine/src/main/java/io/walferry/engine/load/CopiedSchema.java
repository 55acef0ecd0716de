package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.schema.DdlStatement;
import io.walferry.engine.schema.SourceSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * {@code --schema copy}: the target's tables are created from the source's catalogs
 * ({@link SourceSchema}): types, sequences, tables and CHECK constraints before the data; primary
 * keys, then indexes and unique and exclusion constraints, then foreign keys {@code NOT VALID} and
 * their validation, then sequence values (read again at that moment), after it.
 */
public final class CopiedSchema implements LoadSchema {
    private final BiPredicate<String, String> tableFilter;
    private SourceSchema schema;

    public CopiedSchema(BiPredicate<String, String> tableFilter) {
        this.tableFilter = tableFilter;
    }

    private SourceSchema schema(Connection source) throws SQLException {
        if (schema == null) {
            schema = SourceSchema.read(source, tableFilter);
        }
        return schema;
    }

    /** The tables must not exist yet, and the target's version must take every statement. */
    @Override
    public void verify(Connection source, Connection target, List<LoadTable> tables) throws SQLException {
        List<String> problems = existingTables(target, tables);
        int targetMajor;
        try (Statement statement = target.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            row.next();
            targetMajor = row.getInt(1);
        }
        target.commit();
        problems.addAll(schema(source).incompatibilitiesWith(targetMajor));
        if (!problems.isEmpty()) {
            throw new EngineException(Failure.TARGET_NOT_READY, "--schema copy cannot create the tables on the target: "
                    + String.join("; ", problems) + ". To load into tables that exist already, use --schema existing"
                    + " (they must match the source's column by column); otherwise drop them, or choose the tables with"
                    + " --tables/--exclude");
        }
    }

    /**
     * One sentence per table of {@code tables} that exists on the target already: a schema copy
     * creates every table, and never into one that is there.
     */
    static List<String> existingTables(Connection target, List<LoadTable> tables) throws SQLException {
        List<String> existing = new ArrayList<>();
        for (LoadTable table : tables) {
            try (PreparedStatement query = target.prepareStatement("SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
                query.setString(1, table.qualified());
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    if (row.getBoolean(1)) {
                        existing.add("table " + table.displayName() + " already exists on the target");
                    }
                }
            }
        }
        return existing;
    }

    @Override
    public List<LoadStep> preData(Connection source) throws SQLException {
        return steps(schema(source).preData());
    }

    @Override
    public List<StepGroup> postData(Connection source) throws SQLException {
        SourceSchema model = schema(source);
        return List.of(new StepGroup("primary keys", true, steps(model.primaryKeys())),
                new StepGroup("indexes and unique constraints", true, steps(model.indexes())),
                new StepGroup("foreign keys (NOT VALID)", false, steps(model.foreignKeys())),
                new StepGroup("constraint validation", true, steps(model.validations())),
                new StepGroup("sequence values", false, steps(model.sequenceValues(source))));
    }

    private static List<LoadStep> steps(List<DdlStatement> statements) {
        List<LoadStep> steps = new ArrayList<>();
        for (DdlStatement statement : statements) {
            steps.add(new LoadStep(statement.kind().name() + " " + statement.objectName()
                    + (statement.table() == null ? "" : " on " + statement.table()), statement.describe(), statement.sql()));
        }
        return steps;
    }

    @Override
    public List<String> report() {
        return schema == null ? List.of() : schema.report().lines();
    }
}
