package io.walferry.engine.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the sequences the selected tables own (serial and identity columns, {@code OWNED BY}) or
 * use in a column default ({@code nextval('s'::regclass)}), and their current values.
 */
final class SequenceCatalog {
    private static final String SEQUENCES = "SELECT s.seqrelid, n.nspname, c.relname, format_type(s.seqtypid, NULL),"
            + " s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, c.relpersistence = 'u',"
            + " o.refobjid, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = o.refobjid"
            + "   AND a.attnum = o.refobjsubid), o.deptype = 'i'"
            + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " LEFT JOIN pg_depend o ON o.classid = 'pg_class'::regclass AND o.objid = s.seqrelid"
            + "   AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i') AND o.refobjsubid > 0"
            + " WHERE o.refobjid = ANY (?::oid[]) OR s.seqrelid IN (SELECT d.refobjid FROM pg_attrdef ad"
            + "   JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid"
            + "   AND d.refclassid = 'pg_class'::regclass WHERE ad.adrelid = ANY (?::oid[]))"
            + " ORDER BY n.nspname, c.relname";

    /**
     * @param sequences the sequences, with their current values
     * @param oids      their oids on the source
     */
    record Read(List<Sequence> sequences, List<Long> oids) {
    }

    private SequenceCatalog() {
    }

    static Read read(Catalog catalog, Connection connection, TableCatalog.Selection selection) throws SQLException {
        List<Sequence> sequences = new ArrayList<>();
        List<Long> sequenceOids = new ArrayList<>();
        String oids = selection.oidArray();
        catalog.query(SEQUENCES, row -> {
            sequenceOids.add(row.getLong(1));
            long owner = row.getLong(12);
            boolean ownedBySelected = !row.wasNull() && selection.isSelected(owner);
            sequences.add(new Sequence(new QualifiedName(row.getString(2), row.getString(3)), row.getString(4),
                    row.getLong(5), row.getLong(6), row.getLong(7), row.getLong(8), row.getLong(9),
                    row.getBoolean(10), row.getBoolean(11), 0, false,
                    ownedBySelected ? selection.names().get(owner) : null, ownedBySelected ? row.getString(13) : null,
                    row.getBoolean(14)));
        }, oids, oids);
        return new Read(withCurrentValues(connection, sequences), sequenceOids);
    }

    /**
     * The same sequences with the values they have now. Reading a sequence is not transactional:
     * the value is the latest, whatever the snapshot.
     *
     * @throws SQLException naming the sequence when it cannot be read (SELECT privilege)
     */
    static List<Sequence> withCurrentValues(Connection connection, List<Sequence> sequences) throws SQLException {
        List<Sequence> current = new ArrayList<>(sequences.size());
        try (Statement statement = connection.createStatement()) {
            for (Sequence sequence : sequences) {
                try (ResultSet row = statement.executeQuery("SELECT last_value, is_called FROM " + sequence.name())) {
                    row.next();
                    current.add(sequence.withValue(row.getLong(1), row.getBoolean(2)));
                } catch (SQLException e) {
                    throw new SQLException("cannot read the current value of sequence " + sequence.name()
                            + " on the source: " + e.getMessage() + "; grant SELECT on it to the source user",
                            e.getSQLState(), e);
                }
            }
        }
        return current;
    }
}
