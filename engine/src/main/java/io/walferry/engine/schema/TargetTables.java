package io.walferry.engine.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Whether target tables already hold rows. The load refuses a non-empty target table (unless told
 * to truncate it): copying into it would merge two data sets silently, and the apply would then
 * fail on duplicate keys or, without keys, double rows.
 */
public final class TargetTables {
    private TargetTables() {
    }

    /**
     * The tables of {@code tables} that hold at least one row on {@code target}, in the given order.
     * A partitioned table counts the rows of its partitions. Each check reads one row at most.
     */
    public static List<QualifiedName> nonEmpty(Connection target, Collection<QualifiedName> tables)
            throws SQLException {
        List<QualifiedName> nonEmpty = new ArrayList<>();
        try (Statement statement = target.createStatement()) {
            for (QualifiedName table : tables) {
                try (ResultSet row = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table + ")")) {
                    row.next();
                    if (row.getBoolean(1)) {
                        nonEmpty.add(table);
                    }
                }
            }
        }
        return nonEmpty;
    }

    /**
     * The message that refuses {@code nonEmpty}:
     * {@code target table "public"."orders" is not empty: ...}.
     */
    public static String refusal(List<QualifiedName> nonEmpty) {
        String names = nonEmpty.size() == 1 ? "target table " + nonEmpty.get(0) + " is"
                : "target tables " + String.join(", ", nonEmpty.stream().map(QualifiedName::quoted).toList()) + " are";
        return names + " not empty, and walferry never merges into existing rows: empty "
                + (nonEmpty.size() == 1 ? "it" : "them") + " (TRUNCATE), or run again with --truncate-target";
    }
}
