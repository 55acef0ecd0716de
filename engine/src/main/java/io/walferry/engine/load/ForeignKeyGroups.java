package io.walferry.engine.load;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The tables of a load grouped by the source's foreign keys, for a resumed load. */
final class ForeignKeyGroups {
    private static final Logger LOG = LoggerFactory.getLogger(ForeignKeyGroups.class);

    private ForeignKeyGroups() {
    }

    /**
     * The unfinished tables, and every finished one linked to them by foreign keys, directly or not:
     * tables copied under one snapshot hold rows that agree with each other, so the foreign keys of
     * the post-data phase validate, and a TRUNCATE of linked tables on the stream is either skipped
     * for all of them or applied to all (the snapshot of each is the same).
     */
    static List<LoadTable> withLinkedTables(Connection sourceSql, int serverVersionNum, List<LoadTable> tables,
                                            List<LoadTable> unfinished, LoadState state) throws SQLException {
        Map<String, LoadTable> byKey = new HashMap<>();
        Map<String, String> parent = new HashMap<>();
        for (LoadTable table : tables) {
            String key = LoadState.key(table.schema(), table.name());
            byKey.put(key, table);
            parent.put(key, key);
        }
        String root = serverVersionNum >= 120000 ? "COALESCE(pg_catalog.pg_partition_root(%s), %s)" : "%s";
        String query = "SELECT an.nspname, a.relname, bn.nspname, b.relname FROM pg_catalog.pg_constraint c"
                + " JOIN pg_catalog.pg_class a ON a.oid = " + String.format(root, "c.conrelid", "c.conrelid")
                + " JOIN pg_catalog.pg_namespace an ON an.oid = a.relnamespace"
                + " JOIN pg_catalog.pg_class b ON b.oid = " + String.format(root, "c.confrelid", "c.confrelid")
                + " JOIN pg_catalog.pg_namespace bn ON bn.oid = b.relnamespace WHERE c.contype = 'f'";
        try (Statement statement = sourceSql.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                String a = LoadState.key(rows.getString(1), rows.getString(2));
                String b = LoadState.key(rows.getString(3), rows.getString(4));
                if (parent.containsKey(a) && parent.containsKey(b)) {
                    parent.put(find(parent, a), find(parent, b));
                }
            }
        }
        Set<String> groups = new HashSet<>();
        for (LoadTable table : unfinished) {
            groups.add(find(parent, LoadState.key(table.schema(), table.name())));
        }
        List<LoadTable> result = new ArrayList<>();
        List<String> linked = new ArrayList<>();
        for (LoadTable table : tables) {
            String key = LoadState.key(table.schema(), table.name());
            if (groups.contains(find(parent, key))) {
                result.add(byKey.get(key));
                if (state.copied(table.schema(), table.name()) != null) {
                    linked.add(table.displayName());
                }
            }
        }
        if (!linked.isEmpty()) {
            LOG.info("copying again, with them, the finished tables linked to them by foreign keys: {}",
                    String.join(", ", linked));
        }
        return result;
    }

    private static String find(Map<String, String> parent, String key) {
        String root = key;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        parent.put(key, root);
        return root;
    }
}
