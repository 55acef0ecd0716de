package io.walferry.applier.sql;

import io.walferry.applier.ApplyException;
import io.walferry.applier.ApplyFailure;
import io.walferry.decoder.RelationInfo;
import java.sql.Connection;
import java.sql.SQLException;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * {@link RelationSql} per source relation OID, shared by every target session of one applier. An
 * entry is built on first use, from the target catalog read through the session that needs it, and
 * rebuilt when the source describes the relation differently. {@link #generation()} counts the
 * entries replaced, so sessions know when to drop prepared statements of stale plans.
 *
 * <p>Used by the applier thread only.
 */
public final class RelationSqlCache {
    private final Int2ObjectHashMap<RelationSql> byRelationId = new Int2ObjectHashMap<>();
    private int generation;

    /**
     * The statements for {@code relation}, reading the target catalog through {@code connection} when
     * they are not cached yet.
     *
     * @throws ApplyException when the target has no such table, or lacks a column the source sends
     */
    public RelationSql get(RelationInfo relation, Connection connection) throws SQLException {
        RelationSql sql = byRelationId.get(relation.relationId());
        if (sql != null && sql.accepts(relation)) {
            return sql;
        }
        TargetTable target = TargetCatalog.lookup(connection, relation.namespace(), relation.name());
        if (target == null) {
            throw new ApplyException(ApplyFailure.TARGET_NOT_READY, "table " + relation.qualifiedName()
                    + " does not exist on the target: create it there with the source's definition"
                    + " (pg_dump --schema-only --table=" + relation.qualifiedName() + "), or leave it out of the publication");
        }
        sql = RelationSql.build(relation, target);
        if (byRelationId.put(relation.relationId(), sql) != null) {
            generation++;
        }
        return sql;
    }

    /** The cached SQL of {@code relation} when it is still valid for it, else null (without a lookup). */
    public RelationSql cached(RelationInfo relation) {
        RelationSql sql = byRelationId.get(relation.relationId());
        return sql != null && sql.accepts(relation) ? sql : null;
    }

    /** Increases whenever a cached entry is replaced or dropped. */
    public int generation() {
        return generation;
    }

    /** Forgets every relation, as on a new stream (the target's tables may have changed meanwhile). */
    public void clear() {
        byRelationId.clear();
        generation++;
    }
}
