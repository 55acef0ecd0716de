package io.walferry.engine.check;

import io.walferry.engine.schema.QualifiedName;
import java.util.List;
import java.util.Objects;

/**
 * What a DBA looks at per table before a move: how much there is to copy, how fast it changes, and
 * which indexes cost the load and the apply without serving a query. Rates are averages over the
 * statistics' window ({@link CheckReport#statsSeconds()}), {@code NaN} when the server has no
 * statistics for the table.
 *
 * @param table            a plain table or partition (partitioned tables hold no rows themselves)
 * @param totalBytes       {@code pg_total_relation_size}: heap, TOAST and indexes
 * @param estimatedRows    {@code pg_class.reltuples}, -1 when never analyzed or vacuumed
 * @param insertsPerSecond {@code n_tup_ins} over the window
 * @param updatesPerSecond {@code n_tup_upd} over the window
 * @param deletesPerSecond {@code n_tup_del} over the window
 * @param indexes          indexes on the table
 * @param unusedIndexes    quoted names of its non-unique indexes never scanned in the window
 */
public record TableAssessment(QualifiedName table, long totalBytes, long estimatedRows, double insertsPerSecond,
                              double updatesPerSecond, double deletesPerSecond, int indexes,
                              List<String> unusedIndexes) {

    public TableAssessment {
        Objects.requireNonNull(table, "table");
        unusedIndexes = List.copyOf(unusedIndexes);
    }

    /** Inserts, updates and deletes per second together ({@code NaN} when unknown). */
    public double writesPerSecond() {
        return insertsPerSecond + updatesPerSecond + deletesPerSecond;
    }
}
