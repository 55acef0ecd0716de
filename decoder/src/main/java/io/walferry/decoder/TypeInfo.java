package io.walferry.decoder;

/**
 * A data type described by a Type message: pgoutput sends one before the first Relation that uses a
 * type that is not built in (enums, domains, composites, extension types).
 *
 * @param oid       type OID
 * @param namespace schema of the type
 * @param name      type name
 */
public record TypeInfo(int oid, String namespace, String name) {
    /** {@code namespace.name}, unquoted, for display. */
    public String qualifiedName() {
        return namespace + "." + name;
    }
}
