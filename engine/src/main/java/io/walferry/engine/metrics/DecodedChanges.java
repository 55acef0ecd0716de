package io.walferry.engine.metrics;

import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;

/**
 * Counts the row changes a decoder has just decoded into their tables' counters
 * ({@code walferry_changes_decoded_total}): one counter increment per change, a TRUNCATE once per
 * table it lists. The counters are found by the relation's {@code schema.table} string, which the
 * decoder's {@link RelationInfo} already holds, and a run of changes to one table skips even that
 * lookup: nothing is allocated. One decoder's thread only (the reader).
 */
public final class DecodedChanges {
    private final PipelineMetrics metrics;
    private RelationInfo lastRelation;
    private TableChanges lastTable;

    public DecodedChanges(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    /** Counts the message {@code decoder} has just decoded as {@code type}, if it is a row change. */
    public void count(PgOutputDecoder decoder, MessageType type) {
        switch (type) {
            case INSERT -> counters(decoder.insert().relation()).decoded(ChangeOp.INSERT);
            case UPDATE -> counters(decoder.update().relation()).decoded(ChangeOp.UPDATE);
            case DELETE -> counters(decoder.delete().relation()).decoded(ChangeOp.DELETE);
            case TRUNCATE -> {
                for (int i = 0; i < decoder.truncate().relationCount(); i++) {
                    counters(decoder.truncate().relation(i)).decoded(ChangeOp.TRUNCATE);
                }
            }
            default -> {
                // Not a row change.
            }
        }
    }

    private TableChanges counters(RelationInfo relation) {
        if (relation != lastRelation) {
            lastTable = metrics.table(relation.qualifiedName());
            lastRelation = relation;
        }
        return lastTable;
    }
}
