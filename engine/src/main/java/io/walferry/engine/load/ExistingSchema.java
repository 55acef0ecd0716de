package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --schema existing}: the target's tables exist already. Before anything is created, every
 * table to load must exist on the target with every column the copy writes; nothing is created
 * before or after the data.
 */
public final class ExistingSchema implements LoadSchema {

    @Override
    public void verify(Connection target, List<LoadTable> tables) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (LoadTable table : tables) {
            Set<String> columns = targetColumns(target, table.qualified());
            if (columns == null) {
                problems.add("table " + table.displayName() + " does not exist");
                continue;
            }
            for (String column : table.columns()) {
                if (!columns.contains(column)) {
                    problems.add("table " + table.displayName() + " has no column \"" + column + "\"");
                }
            }
        }
        target.commit();
        if (!problems.isEmpty()) {
            throw new EngineException(Failure.TARGET_NOT_READY, "--schema existing, but the target's tables do not"
                    + " match the source's: " + String.join("; ", problems) + ". Create them (pg_dump --schema-only"
                    + " of the source, restored into the target), or let walferry create them (--schema copy)");
        }
    }

    /** The target table's column names, or {@code null} when it does not exist. */
    private static Set<String> targetColumns(Connection target, String qualified) throws SQLException {
        try (PreparedStatement query = target.prepareStatement("SELECT a.attname FROM pg_catalog.pg_class c"
                + " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                + " WHERE c.oid = pg_catalog.to_regclass(?) AND c.relkind IN ('r', 'p')")) {
            query.setString(1, qualified);
            try (ResultSet rows = query.executeQuery()) {
                Set<String> columns = null;
                while (rows.next()) {
                    if (columns == null) {
                        columns = new HashSet<>();
                    }
                    if (rows.getString(1) != null) {
                        columns.add(rows.getString(1));
                    }
                }
                return columns;
            }
        }
    }

    @Override
    public List<LoadStep> preData() {
        return List.of();
    }

    @Override
    public List<StepGroup> postData() {
        return List.of();
    }

    @Override
    public List<String> report() {
        return List.of("--schema existing: no schema object was created");
    }
}
