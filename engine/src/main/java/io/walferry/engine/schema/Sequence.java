package io.walferry.engine.schema;

import java.util.Objects;

/**
 * A sequence the selected tables own (serial and identity columns) or use in a default, with its
 * value when the source was read.
 *
 * @param name        the sequence
 * @param type        its data type: {@code bigint}, {@code integer}, {@code smallint}
 * @param start       START WITH
 * @param increment   INCREMENT BY
 * @param min         MINVALUE
 * @param max         MAXVALUE
 * @param cache       CACHE
 * @param cycle       CYCLE
 * @param unlogged    whether it is UNLOGGED (PostgreSQL 15 and later)
 * @param lastValue   {@code last_value} when read
 * @param isCalled    {@code is_called} when read
 * @param ownerTable  the table of OWNED BY (or of the identity column), when that table is selected;
 *                    else null
 * @param ownerColumn the column of OWNED BY, else null
 * @param identity    whether it is an identity column's sequence (created with its table)
 */
public record Sequence(QualifiedName name, String type, long start, long increment, long min, long max, long cache,
                       boolean cycle, boolean unlogged, long lastValue, boolean isCalled, QualifiedName ownerTable,
                       String ownerColumn, boolean identity) {

    public Sequence {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** The options shared by CREATE SEQUENCE and an identity column's sequence clause. */
    String options() {
        return "INCREMENT BY " + increment + " MINVALUE " + min + " MAXVALUE " + max + " START WITH " + start
                + " CACHE " + cache + (cycle ? " CYCLE" : " NO CYCLE");
    }

    /** The same sequence with the value read now. */
    Sequence withValue(long newLastValue, boolean newIsCalled) {
        return new Sequence(name, type, start, increment, min, max, cache, cycle, unlogged, newLastValue, newIsCalled,
                ownerTable, ownerColumn, identity);
    }
}
