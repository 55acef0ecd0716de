package io.walferry.engine.pipeline;

import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.display.ExactBinaryTypes;
import io.walferry.engine.source.SourceErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether a stream session asks pgoutput for values in binary ({@code binary 'true'}) or in text.
 *
 * <p>Binary costs the walsender less (a type's send function instead of its output function: no
 * digit formatting of numeric, timestamps or floats) and halves bytea on the wire, and every apply
 * mode can still write the values exactly: the applier turns each binary value into the text the
 * type's output function writes ({@link ExactBinaryTypes}). That holds only for the built-in types
 * {@link ExactBinaryTypes} covers, so a session is binary only when every column of every published
 * table has one of them (and the source has the option: PostgreSQL 14). A column of any other type
 * (an enum, a domain, a composite, timetz, ...) makes the session text.
 *
 * <p>The choice is made from the catalog as it is now, but the walsender decodes older WAL with the
 * catalog as it was: a table published since, or a column whose type changed since, can describe a
 * relation that the choice did not see. So the reader checks every Relation message of a binary
 * session ({@link #uncoveredColumn}) before publishing it; on a type not covered, it ends the
 * session and the pipeline starts the next one in text, from the slot's confirmed position
 * ({@link TextValuesNeededException}). Nothing of the unreadable relation has reached the applier.
 */
final class ValueFormat {
    /** Binary values need PostgreSQL 14: pgoutput of 13 and earlier refuses the option. */
    static final int MIN_BINARY_SERVER_VERSION = 140000;

    private static final String COLUMN_TYPES_QUERY = "SELECT a.atttypid, pg_catalog.format_type(a.atttypid, NULL),"
            + " min(pg_catalog.quote_ident(p.schemaname) || '.' || pg_catalog.quote_ident(p.tablename) || '.'"
            + " || pg_catalog.quote_ident(a.attname))"
            + " FROM pg_catalog.pg_publication_tables p"
            + " JOIN pg_catalog.pg_namespace n ON n.nspname = p.schemaname"
            + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename"
            + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " WHERE p.pubname = ? GROUP BY a.atttypid ORDER BY 3";

    /**
     * The choice for one session.
     *
     * @param binary whether to ask for binary values
     * @param reason why, for the log
     */
    record Choice(boolean binary, String reason) {
    }

    private ValueFormat() {
    }

    /** Decides from the column types of the tables {@code publication} holds now. */
    static Choice choose(Connection sql, String publication, int serverVersionNum) {
        if (serverVersionNum < MIN_BINARY_SERVER_VERSION) {
            return new Choice(false, "the source is older than PostgreSQL 14, whose pgoutput has no binary option");
        }
        try (PreparedStatement query = sql.prepareStatement(COLUMN_TYPES_QUERY)) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    int typeOid = (int) rows.getLong(1);
                    if (!ExactBinaryTypes.covers(typeOid)) {
                        return new Choice(false, "column " + rows.getString(3) + " has type " + rows.getString(2)
                                + ", whose binary form walferry does not convert");
                    }
                }
            }
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "reading the column types of publication " + publication, null);
        }
        return new Choice(true, "every published column has a built-in type whose binary form walferry converts"
                + " exactly");
    }

    /** {@code column c of s.t has type OID n}, for the first column not covered, or {@code null}. */
    static String uncoveredColumn(RelationInfo relation) {
        for (int i = 0; i < relation.columnCount(); i++) {
            ColumnInfo column = relation.column(i);
            if (!ExactBinaryTypes.covers(column.typeOid())) {
                return "column " + column.name() + " of " + relation.qualifiedName() + " has type OID "
                        + Integer.toUnsignedString(column.typeOid());
            }
        }
        return null;
    }

    /**
     * A binary session met a relation with a column whose binary form cannot be applied exactly;
     * the pipeline goes on in text, from the slot's confirmed position.
     */
    static final class TextValuesNeededException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TextValuesNeededException(String message) {
            super(message);
        }
    }
}
