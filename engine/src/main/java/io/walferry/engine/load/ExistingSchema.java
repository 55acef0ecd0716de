package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.schema.SchemaComparison;
import io.walferry.engine.schema.SourceSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * {@code --schema existing}: the target's tables exist already. Before anything is created, they
 * are compared with the source's column by column ({@link SchemaComparison}: names, types, NOT
 * NULL, generated columns, primary keys), and every difference is listed; nothing is created before
 * or after the data.
 */
public final class ExistingSchema implements LoadSchema {
    private final BiPredicate<String, String> tableFilter;

    public ExistingSchema(BiPredicate<String, String> tableFilter) {
        this.tableFilter = tableFilter;
    }

    @Override
    public void verify(Connection source, Connection target, List<LoadTable> tables) throws SQLException {
        List<String> differences = SchemaComparison.compare(SourceSchema.read(source, tableFilter), target);
        target.commit();
        if (!differences.isEmpty()) {
            throw new EngineException(Failure.TARGET_NOT_READY, "--schema existing, but the target's tables do not"
                    + " match the source's: " + String.join("; ", differences) + ". Change the target's tables to match"
                    + " (pg_dump --schema-only of the source gives their definitions), or let walferry create them"
                    + " in an empty database (--schema copy)");
        }
    }

    @Override
    public List<LoadStep> preData(Connection source) {
        return List.of();
    }

    @Override
    public List<StepGroup> postData(Connection source) {
        return List.of();
    }

    @Override
    public List<String> report() {
        return List.of("--schema existing: no schema object was created");
    }
}
