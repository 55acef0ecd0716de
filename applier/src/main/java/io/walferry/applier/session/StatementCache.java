package io.walferry.applier.session;

import io.walferry.applier.sql.StatementPlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One session's prepared statements, one per {@link StatementPlan}. Plans of a relation the source
 * re-described are dropped with their statements when the shared relation cache's generation moves,
 * so the cache holds only statements of current plans.
 */
final class StatementCache {
    private final Connection connection;
    private final Map<StatementPlan, PreparedStatement> statements = new HashMap<>();
    private int generation;

    StatementCache(Connection connection) {
        this.connection = connection;
    }

    /** The statement of {@code plan}, prepared on first use; {@code generation} is the relation cache's. */
    PreparedStatement get(StatementPlan plan, int relationGeneration) throws SQLException {
        if (relationGeneration != generation) {
            closeAll();
            generation = relationGeneration;
        }
        PreparedStatement statement = statements.get(plan);
        if (statement == null) {
            statement = connection.prepareStatement(plan.sql());
            statements.put(plan, statement);
        }
        return statement;
    }

    void closeAll() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // The connection is going or gone; its statements go with it.
            }
        }
        statements.clear();
    }
}
