package io.walferry.engine.schema;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows {@code pg_depend} from the selected tables (their columns, defaults, constraints and
 * indexes) to everything they need: the user types to create, the extensions to install, and the
 * user objects the copy does not create (functions, collations, operators, base types), which the
 * report names because the DDL that uses them would fail without them.
 *
 * <p>The walk goes on through types (a domain's base type, an array's element, a range's subtype)
 * and through the relations behind composite types, and stops at everything else: it does not copy
 * what a function needs, because it does not copy functions.
 */
final class DependencyCatalog {
    private static final String CLOSURE = "WITH RECURSIVE start(classid, objid) AS ("
            + " SELECT 'pg_class'::regclass::oid, t FROM unnest(?::oid[]) AS t"
            + " UNION ALL SELECT 'pg_class'::regclass::oid, x.indexrelid FROM pg_index x WHERE x.indrelid = ANY (?::oid[])"
            + " UNION ALL SELECT 'pg_attrdef'::regclass::oid, d.oid FROM pg_attrdef d WHERE d.adrelid = ANY (?::oid[])"
            + " UNION ALL SELECT 'pg_constraint'::regclass::oid, k.oid FROM pg_constraint k"
            + "   WHERE k.conrelid = ANY (?::oid[])"
            + "), refs(classid, objid, expand) AS ("
            + " SELECT classid, objid, true FROM start"
            + " UNION"
            + " SELECT d.refclassid, d.refobjid, d.refclassid = 'pg_type'::regclass OR (d.refclassid = 'pg_class'::regclass"
            + "   AND (SELECT c.relkind FROM pg_class c WHERE c.oid = d.refobjid) = 'c')"
            + " FROM refs r JOIN pg_depend d ON d.classid = r.classid AND d.objid = r.objid"
            + " WHERE r.expand AND d.deptype IN ('n', 'a', 'i')"
            + ") ";

    private static final String EXTENSIONS = CLOSURE
            + "SELECT DISTINCT e.extname, en.nspname FROM refs r"
            + " JOIN pg_depend x ON x.classid = r.classid AND x.objid = r.objid AND x.deptype = 'e'"
            + " JOIN pg_extension e ON e.oid = x.refobjid JOIN pg_namespace en ON en.oid = e.extnamespace"
            + " ORDER BY 1";

    private static final String USER_OBJECTS = CLOSURE
            + "SELECT DISTINCT r.objid, o.type, o.identity, t.typtype, t.typcategory, tr.relkind"
            + " FROM refs r CROSS JOIN LATERAL pg_identify_object(r.classid, r.objid, 0) o"
            + " LEFT JOIN pg_type t ON r.classid = 'pg_type'::regclass AND t.oid = r.objid"
            + " LEFT JOIN pg_class tr ON tr.oid = t.typrelid"
            + " WHERE r.classid IN ('pg_type'::regclass, 'pg_proc'::regclass, 'pg_collation'::regclass,"
            + "   'pg_operator'::regclass, 'pg_opclass'::regclass, 'pg_opfamily'::regclass)"
            + " AND o.schema NOT IN ('pg_catalog', 'information_schema')"
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = r.classid AND x.objid = r.objid"
            + "   AND x.deptype = 'e')"
            + " ORDER BY o.type, o.identity";

    /**
     * What the selected tables need.
     *
     * @param extensions the extensions owning something they use
     * @param typeOids   the user types to create (enums, domains, composite and range types)
     * @param missing    user objects they use that the copy does not create
     */
    record Needs(List<Extension> extensions, List<Long> typeOids, List<SchemaReport.Entry> missing) {
    }

    private DependencyCatalog() {
    }

    static Needs read(Catalog catalog, TableCatalog.Selection selection) throws SQLException {
        String oids = selection.oidArray();
        List<Extension> extensions = new ArrayList<>();
        catalog.query(EXTENSIONS, row -> extensions.add(new Extension(row.getString(1), row.getString(2))),
                oids, oids, oids, oids);
        List<Long> typeOids = new ArrayList<>();
        List<SchemaReport.Entry> missing = new ArrayList<>();
        catalog.query(USER_OBJECTS, row -> {
            String typtype = row.getString(4);
            if (typtype == null) {
                missing.add(new SchemaReport.Entry(row.getString(2), row.getString(3), SchemaReport.USED_NOT_CREATED));
            } else if (isCreatedType(typtype, row.getString(6))) {
                typeOids.add(row.getLong(1));
            } else if (typtype.equals("b") && !"A".equals(row.getString(5))) {
                missing.add(new SchemaReport.Entry("base type", row.getString(3), SchemaReport.USED_NOT_CREATED));
            }
        }, oids, oids, oids, oids);
        return new Needs(extensions, typeOids, missing);
    }

    /**
     * Enums, domains, ranges, and composite types of their own (relkind {@code c}); not a table's
     * row type, which comes with the table, nor arrays and multiranges, which come with their
     * element and range type.
     */
    private static boolean isCreatedType(String typtype, String relkind) {
        switch (typtype) {
            case "e":
            case "d":
            case "r":
                return true;
            case "c":
                return "c".equals(relkind);
            default:
                return false;
        }
    }
}
