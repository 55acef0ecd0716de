package io.walferry.engine.peek;

import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.display.ValueFormatter;

/**
 * How a value sent in binary format ({@code --binary}) is shown: as PostgreSQL's text output of
 * its type would show it, by the decoder's {@link ValueFormatter} (integers, numeric, timestamps,
 * uuid, json, arrays, ...); a type the formatter does not know is shown as {@code \x} and hex, the
 * way {@code bytea} prints. The one place that decides this, so that peek's JSON and any later
 * display of binary values agree.
 */
final class BinaryValueText {
    private BinaryValueText() {
    }

    /** The text shown for binary column {@code index} of {@code tuple}, a column described by {@code column}. */
    static String render(TupleData tuple, int index, ColumnInfo column) {
        return ValueFormatter.format(tuple, index, column.typeOid());
    }
}
