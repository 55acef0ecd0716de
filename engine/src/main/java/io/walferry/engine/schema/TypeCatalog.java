package io.walferry.engine.schema;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Reads the user types the selected tables need and writes their CREATE statements, ordered so that
 * every type comes after the types it is built from (a domain over an enum, a composite holding a
 * domain).
 */
final class TypeCatalog {
    private static final String TYPES = "SELECT t.oid, n.nspname, t.typname, t.typtype,"
            + " ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),"
            + " format_type(t.typbasetype, t.typtypmod), t.typnotnull, pg_get_expr(t.typdefaultbin, 0),"
            + " CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN cn.nspname END,"
            + " CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN co.collname END,"
            + " ARRAY(SELECT k.conname::text FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'"
            + "   ORDER BY k.conname),"
            + " ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k WHERE k.contypid = t.oid"
            + "   AND k.contype = 'c' ORDER BY k.conname),"
            + " ARRAY(SELECT CASE WHEN dt.typcategory = 'A' AND dt.typelem <> 0 THEN dt.typelem ELSE dt.oid END"
            + "   FROM pg_type dt WHERE dt.oid = t.typbasetype"
            + "   OR dt.oid IN (SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid)"
            + "   OR dt.oid IN (SELECT a.atttypid FROM pg_attribute a WHERE t.typrelid <> 0 AND a.attrelid = t.typrelid"
            + "     AND a.attnum > 0 AND NOT a.attisdropped))"
            + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
            + " LEFT JOIN pg_type bt ON bt.oid = t.typbasetype"
            + " LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
            + " WHERE t.oid = ANY (?::oid[])";

    private static final String ATTRIBUTES = "SELECT t.oid, a.attname, format_type(a.atttypid, a.atttypmod),"
            + " CASE WHEN a.attcollation <> at.typcollation THEN cn.nspname END,"
            + " CASE WHEN a.attcollation <> at.typcollation THEN co.collname END"
            + " FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid JOIN pg_type at ON at.oid = a.atttypid"
            + " LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
            + " WHERE t.oid = ANY (?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY t.oid, a.attnum";

    /** Options of a range type that differ from the defaults CREATE TYPE ... AS RANGE would pick. */
    private static final String RANGES = "SELECT r.rngtypid, format_type(r.rngsubtype, NULL),"
            + " CASE WHEN NOT oc.opcdefault THEN quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END,"
            + " CASE WHEN r.rngcollation <> st.typcollation THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,"
            + " CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END,"
            + " CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END,"
            + " quote_ident(mn.nspname) || '.' || quote_ident(mt.typname)"
            + " FROM pg_range r JOIN pg_type st ON st.oid = r.rngsubtype"
            + " JOIN pg_opclass oc ON oc.oid = r.rngsubopc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace"
            + " LEFT JOIN pg_collation co ON co.oid = r.rngcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace"
            + " JOIN pg_type mt ON mt.oid = r.rngmultitypid JOIN pg_namespace mn ON mn.oid = mt.typnamespace"
            + " WHERE r.rngtypid = ANY (?::oid[])";

    private TypeCatalog() {
    }

    static List<UserType> read(Catalog catalog, List<Long> typeOids) throws SQLException {
        if (typeOids.isEmpty()) {
            return List.of();
        }
        String oids = Sql.oidArray(typeOids);
        Map<Long, List<String>> attributes = readAttributes(catalog, oids);
        Map<Long, String> ranges = readRanges(catalog, oids);
        Map<Long, UserType> types = new LinkedHashMap<>();
        Map<Long, List<Long>> dependsOn = new HashMap<>();
        catalog.query(TYPES, row -> {
            long oid = row.getLong(1);
            QualifiedName name = new QualifiedName(row.getString(2), row.getString(3));
            String typtype = row.getString(4);
            dependsOn.put(oid, longs(row.getArray(13)));
            switch (typtype) {
                case "e":
                    types.put(oid, new UserType(name, UserType.Kind.ENUM, "CREATE TYPE " + name + " AS ENUM ("
                            + literals(TableCatalog.strings(row.getArray(5))) + ")"));
                    break;
                case "d":
                    String collationSchema = row.getString(9);
                    types.put(oid, new UserType(name, UserType.Kind.DOMAIN, domain(name, row.getString(6),
                            collationSchema == null ? null : new QualifiedName(collationSchema, row.getString(10)),
                            row.getString(8), row.getBoolean(7), TableCatalog.strings(row.getArray(11)),
                            TableCatalog.strings(row.getArray(12)))));
                    break;
                case "c":
                    types.put(oid, new UserType(name, UserType.Kind.COMPOSITE, "CREATE TYPE " + name + " AS ("
                            + String.join(", ", attributes.getOrDefault(oid, List.of())) + ")"));
                    break;
                case "r":
                    types.put(oid, new UserType(name, UserType.Kind.RANGE, "CREATE TYPE " + name + " AS RANGE ("
                            + ranges.get(oid) + ")"));
                    break;
                default:
                    throw new IllegalStateException("pg_type.typtype of " + name + ": " + typtype
                            + " (expected: e, d, c or r)");
            }
        }, oids);
        return dependencyOrder(types, dependsOn);
    }

    private static String domain(QualifiedName name, String baseType, QualifiedName collation, String defaultExpression,
                                 boolean notNull, List<String> checkNames, List<String> checkDefinitions) {
        StringBuilder sql = new StringBuilder("CREATE DOMAIN ").append(name).append(" AS ").append(baseType);
        if (collation != null) {
            sql.append(" COLLATE ").append(collation);
        }
        if (defaultExpression != null) {
            sql.append(" DEFAULT ").append(defaultExpression);
        }
        if (notNull) {
            sql.append(" NOT NULL");
        }
        List<String> notValid = new ArrayList<>();
        for (int i = 0; i < checkNames.size(); i++) {
            String check = "CONSTRAINT " + Sql.ident(checkNames.get(i)) + " " + checkDefinitions.get(i);
            if (checkDefinitions.get(i).endsWith(" NOT VALID")) {
                notValid.add("ALTER DOMAIN " + name + " ADD " + check);
            } else {
                sql.append(' ').append(check);
            }
        }
        for (String alter : notValid) {
            sql.append(";\n").append(alter);
        }
        return sql.toString();
    }

    private static Map<Long, List<String>> readAttributes(Catalog catalog, String oids) throws SQLException {
        Map<Long, List<String>> attributes = new HashMap<>();
        catalog.query(ATTRIBUTES, row -> {
            String collationSchema = row.getString(4);
            String attribute = Sql.ident(row.getString(2)) + " " + row.getString(3)
                    + (collationSchema == null ? "" : " COLLATE "
                    + new QualifiedName(collationSchema, row.getString(5)));
            attributes.computeIfAbsent(row.getLong(1), oid -> new ArrayList<>()).add(attribute);
        }, oids);
        return attributes;
    }

    private static Map<Long, String> readRanges(Catalog catalog, String oids) throws SQLException {
        Map<Long, String> ranges = new HashMap<>();
        catalog.query(RANGES, row -> {
            StringJoiner options = new StringJoiner(", ");
            options.add("SUBTYPE = " + row.getString(2));
            addOption(options, "SUBTYPE_OPCLASS", row.getString(3));
            addOption(options, "COLLATION", row.getString(4));
            addOption(options, "CANONICAL", row.getString(5));
            addOption(options, "SUBTYPE_DIFF", row.getString(6));
            addOption(options, "MULTIRANGE_TYPE_NAME", row.getString(7));
            ranges.put(row.getLong(1), options.toString());
        }, oids);
        return ranges;
    }

    private static void addOption(StringJoiner options, String option, String value) {
        if (value != null) {
            options.add(option + " = " + value);
        }
    }

    /** Depth-first: each type after the user types it is built from. */
    private static List<UserType> dependencyOrder(Map<Long, UserType> types, Map<Long, List<Long>> dependsOn) {
        List<UserType> ordered = new ArrayList<>(types.size());
        Set<Long> placed = new HashSet<>();
        List<Long> byName = new ArrayList<>(types.keySet());
        byName.sort((a, b) -> types.get(a).name().compareTo(types.get(b).name()));
        for (long oid : byName) {
            place(oid, types, dependsOn, placed, ordered);
        }
        return ordered;
    }

    private static void place(long oid, Map<Long, UserType> types, Map<Long, List<Long>> dependsOn, Set<Long> placed,
                              List<UserType> ordered) {
        if (!types.containsKey(oid) || !placed.add(oid)) {
            return;
        }
        for (long dependency : dependsOn.getOrDefault(oid, List.of())) {
            place(dependency, types, dependsOn, placed, ordered);
        }
        ordered.add(types.get(oid));
    }

    private static String literals(List<String> labels) {
        StringJoiner joined = new StringJoiner(", ");
        for (String label : labels) {
            joined.add(Sql.literal(label));
        }
        return joined.toString();
    }

    private static List<Long> longs(Array array) throws SQLException {
        List<Long> longs = new ArrayList<>();
        for (Object value : (Object[]) array.getArray()) {
            longs.add(((Number) value).longValue());
        }
        return longs;
    }
}
