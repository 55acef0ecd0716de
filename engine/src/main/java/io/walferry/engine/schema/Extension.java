package io.walferry.engine.schema;

import java.util.Objects;

/**
 * An extension that owns a type, operator class, function or collation the selected tables use,
 * e.g. {@code btree_gist} for an exclusion constraint, {@code citext} for a column.
 *
 * @param name   the extension
 * @param schema the schema it is installed in on the source
 */
public record Extension(String name, String schema) {

    public Extension {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schema, "schema");
    }
}
