package io.walferry.engine.peek;

import com.fasterxml.jackson.core.JsonGenerator;
import io.walferry.decoder.DecodeException;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TupleData;
import java.io.IOException;

/**
 * Writes a tuple as a JSON object keyed by column name, in column order: NULL as {@code null}, an
 * unchanged TOAST value as {@code {"unchanged": true}}, text values as strings, binary values via
 * {@link BinaryValueText}.
 */
final class TupleJson {
    private TupleJson() {
    }

    /** Writes every column of {@code tuple}. */
    static void writeRow(JsonGenerator json, RelationInfo relation, TupleData tuple) throws IOException {
        json.writeStartObject();
        for (int i = 0; i < tuple.columnCount(); i++) {
            json.writeFieldName(relation.column(i).name());
            writeValue(json, relation, tuple, i);
        }
        json.writeEndObject();
    }

    /**
     * Writes an old key: the replica identity columns. The server sends the other columns as NULL;
     * they are left out, unless one carries a value after all, which is then shown rather than hidden.
     */
    static void writeKey(JsonGenerator json, RelationInfo relation, TupleData tuple) throws IOException {
        json.writeStartObject();
        for (int i = 0; i < tuple.columnCount(); i++) {
            if (relation.column(i).key() || !tuple.isNull(i)) {
                json.writeFieldName(relation.column(i).name());
                writeValue(json, relation, tuple, i);
            }
        }
        json.writeEndObject();
    }

    private static void writeValue(JsonGenerator json, RelationInfo relation, TupleData tuple, int index)
            throws IOException {
        byte kind = tuple.kind(index);
        switch (kind) {
            case TupleData.NULL:
                json.writeNull();
                break;
            case TupleData.UNCHANGED_TOAST:
                json.writeStartObject();
                json.writeBooleanField("unchanged", true);
                json.writeEndObject();
                break;
            case TupleData.TEXT:
                json.writeString(tuple.text(index));
                break;
            case TupleData.BINARY:
                json.writeString(BinaryValueText.render(tuple, index, relation.column(index)));
                break;
            default:
                // The decoder rejects unknown kinds; reaching this means the two disagree.
                throw new DecodeException(null, 0, "column " + relation.column(index).name() + " of "
                        + relation.qualifiedName() + " has kind " + TupleData.kindName(kind)
                        + " (expected: n, u, t or b)");
        }
    }
}
