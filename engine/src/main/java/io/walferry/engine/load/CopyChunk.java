package io.walferry.engine.load;

/**
 * One piece of a table's copy: a leaf table, or a range of its pages ({@code ctid} range, read with
 * a TID range scan on PostgreSQL 14 and later), copied in one target transaction.
 *
 * @param table       the load unit it belongs to
 * @param leaf        the leaf table read
 * @param targetTable the target table written, quoted: the leaf's namesake when the target has it,
 *                    else the unit's table (a partitioned target routes the rows)
 * @param fromPage    first page of the range, -1 for the whole leaf
 * @param toPage      page after the range, -1 for up to the end (the last chunk is open-ended so
 *                    that rows on pages added since the size was read are not missed)
 * @param onlyChunk   whether it is the unit's only chunk: then it is copied, cleared first and
 *                    recorded in one transaction
 */
record CopyChunk(LoadTable table, LoadTable.Leaf leaf, String targetTable, long fromPage, long toPage,
                 boolean onlyChunk) {

    /** The source side: {@code COPY ... TO STDOUT}. */
    String copyOutSql(boolean binary) {
        String columns = Identifiers.columnList(table.columns());
        String from;
        if (fromPage < 0) {
            from = leaf.qualified() + " " + columns;
        } else {
            StringBuilder select = new StringBuilder("(SELECT ");
            select.append(columns, 1, columns.length() - 1).append(" FROM ONLY ").append(leaf.qualified())
                    .append(" WHERE ctid >= '(").append(fromPage).append(",0)'::pg_catalog.tid");
            if (toPage >= 0) {
                select.append(" AND ctid < '(").append(toPage).append(",0)'::pg_catalog.tid");
            }
            from = select.append(')').toString();
        }
        return "COPY " + from + " TO STDOUT" + (binary ? " (FORMAT binary)" : "");
    }

    /** The target side: {@code COPY ... FROM STDIN}. */
    String copyInSql(boolean binary, boolean freeze) {
        String options = binary && freeze ? " (FORMAT binary, FREEZE)" : binary ? " (FORMAT binary)"
                : freeze ? " (FREEZE)" : "";
        return "COPY " + targetTable + " " + Identifiers.columnList(table.columns()) + " FROM STDIN" + options;
    }

    /** For messages: {@code public.orders} or {@code public.orders pages 0-4095}. */
    String describe() {
        String name = leaf.schema() + "." + leaf.name();
        if (fromPage < 0) {
            return name;
        }
        return name + " pages " + fromPage + "-" + (toPage < 0 ? "end" : String.valueOf(toPage - 1));
    }
}
