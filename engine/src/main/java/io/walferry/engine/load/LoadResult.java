package io.walferry.engine.load;

import io.walferry.engine.load.LoadState.CopiedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a finished load holds, from the state recorded on the target (so a resumed load reports
 * every table, including those copied by an earlier run).
 *
 * @param alreadyDone      whether an earlier run had finished the load (nothing was done now)
 * @param slotLsn          the consistent point of the pipeline's slot ({@code 0} when no data was copied)
 * @param tables           each table's row counts
 * @param laterSnapshots   see {@link LoadState#laterSnapshots()}
 */
public record LoadResult(boolean alreadyDone, long slotLsn, List<TableCopy> tables,
                         java.util.Map<String, Long> laterSnapshots) {

    /**
     * One table's copy.
     *
     * @param schema     its schema
     * @param name       its name
     * @param sourceRows the rows the source sent
     * @param targetRows the rows the target took
     */
    public record TableCopy(String schema, String name, long sourceRows, long targetRows) {
        public String displayName() {
            return schema + "." + name;
        }
    }

    static LoadResult alreadyDone(LoadState state) {
        return new LoadResult(true, state.slotLsn(), List.of(), state.laterSnapshots());
    }

    static LoadResult of(LoadState state, List<LoadTable> tables) {
        List<TableCopy> copies = new ArrayList<>();
        for (LoadTable table : tables) {
            CopiedTable copied = state.copied(table.schema(), table.name());
            if (copied != null) {
                copies.add(new TableCopy(table.schema(), table.name(), copied.sourceRows(), copied.targetRows()));
            }
        }
        return new LoadResult(false, state.slotLsn(), List.copyOf(copies), state.laterSnapshots());
    }

    /** The per-table row counts as lines for the log. */
    public List<String> countLines() {
        int width = 5;
        for (TableCopy copy : tables) {
            width = Math.max(width, copy.displayName().length());
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-" + width + "s %14s %14s", "table", "source rows", "target rows"));
        long source = 0;
        long target = 0;
        for (TableCopy copy : tables) {
            lines.add(String.format(Locale.ROOT, "%-" + width + "s %14d %14d", copy.displayName(), copy.sourceRows(),
                    copy.targetRows()));
            source += copy.sourceRows();
            target += copy.targetRows();
        }
        lines.add(String.format(Locale.ROOT, "%-" + width + "s %14d %14d", "total", source, target));
        return lines;
    }
}
