package io.walferry.applier.batch;

import io.walferry.applier.sql.SetStatements;
import io.walferry.decoder.RelationInfo;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * One lane's share of one table in a batch: the net change per key (keyed tables), or the rows
 * inserted, in order (tables matched on the whole row, whose updates and deletes never take the
 * set-wise path).
 */
final class TableBatch {
    final RelationInfo relation;
    final SetStatements sql;
    final HashMap<String, BatchEntry> entries = new HashMap<>();
    final ArrayList<String[]> inserts = new ArrayList<>();

    TableBatch(RelationInfo relation, SetStatements sql) {
        this.relation = relation;
        this.sql = sql;
    }

}
