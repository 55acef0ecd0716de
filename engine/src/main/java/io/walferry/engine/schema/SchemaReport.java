package io.walferry.engine.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the built-in schema copy creates on the target and what it leaves out, by kind and name, so
 * that the operator knows before the load what the target will lack (views, functions, triggers,
 * policies...) and can create them itself (for instance from {@code pg_dump --schema-only} of the source).
 * The load's pg_dump mode reports in the same form ({@link #SchemaReport(List, List)}).
 */
public final class SchemaReport {
    static final String NOT_COPIED = "not copied by the built-in schema copy; create it on the target yourself (pg_dump --schema-only of the source has it)";
    static final String USED_NOT_CREATED = "used by the selected tables but not created by the built-in schema copy;"
            + " create it on the target first and load with --schema existing";
    static final String NOT_NEEDED = "not needed by the selected tables";

    private final List<Entry> copied;
    private final List<Entry> notCopied;

    /**
     * One object.
     *
     * @param kind   what it is: {@code table}, {@code view}, {@code function}, {@code trigger}...
     * @param name   its name, qualified
     * @param reason why it is not copied, or null for a copied object
     */
    public record Entry(String kind, String name, String reason) {

        public Entry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }

        /** {@code view public.v: not copied by ...}, or {@code table "public"."t"} for a copied one. */
        public String line() {
            return reason == null ? kind + " " + name : kind + " " + name + ": " + reason;
        }
    }

    /**
     * A report of other schema copies ({@code pg_dump}'s): {@code copied} in the order they were
     * created, {@code notCopied} each with its reason.
     */
    public SchemaReport(List<Entry> copied, List<Entry> notCopied) {
        this.copied = List.copyOf(copied);
        this.notCopied = List.copyOf(notCopied);
    }

    static SchemaReport of(SourceSchema schema, List<Entry> notCopied) {
        List<Entry> copied = new ArrayList<>();
        for (Extension extension : schema.extensions()) {
            copied.add(new Entry("extension", Sql.ident(extension.name()), null));
        }
        for (UserType type : schema.types()) {
            copied.add(new Entry(type.kind().name().toLowerCase(Locale.ROOT) + " type",
                    type.name().quoted(), null));
        }
        for (Sequence sequence : schema.sequences()) {
            copied.add(new Entry("sequence", sequence.name().quoted(), null));
        }
        for (Table table : schema.tables()) {
            copied.add(new Entry(table.isPartition() ? "partition" : table.partitioned() ? "partitioned table" : "table",
                    table.name().quoted(), null));
        }
        for (Constraint constraint : schema.constraints()) {
            copied.add(new Entry(constraintKind(constraint.kind()), constraint.quotedName() + " on table "
                    + constraint.table(), null));
        }
        for (Index index : schema.secondaryIndexes()) {
            copied.add(new Entry("index", index.quotedName() + " on table " + index.table(), null));
        }
        List<Entry> missing = new ArrayList<>(notCopied);
        missing.add(new Entry("owners and privileges", "of every object", "not copied: the target's objects belong to"
                + " the user that creates them; GRANT and ALTER ... OWNER on the target as needed"));
        return new SchemaReport(copied, missing);
    }

    private static String constraintKind(Constraint.Kind kind) {
        switch (kind) {
            case PRIMARY_KEY: return DdlKind.PRIMARY_KEY.noun();
            case UNIQUE: return DdlKind.UNIQUE_CONSTRAINT.noun();
            case CHECK: return DdlKind.CHECK_CONSTRAINT.noun();
            case EXCLUSION: return DdlKind.EXCLUSION_CONSTRAINT.noun();
            case FOREIGN_KEY: return DdlKind.FOREIGN_KEY.noun();
            default: throw new IllegalStateException("constraint kind: " + kind);
        }
    }

    /** The objects the built-in copy creates, in the order it creates them. */
    public List<Entry> copied() {
        return copied;
    }

    /** The objects of the selected tables and schemas it does not create, with the reason for each. */
    public List<Entry> notCopied() {
        return notCopied;
    }

    /**
     * The report for a log: a summary line of counts by kind
     * ({@code schema copy: copied table: 5, index: 6; not copied view: 1, ...}), then one line per
     * copied object, then one line per object not copied.
     */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(copied.size() + notCopied.size() + 2);
        lines.add("schema copy: copied " + (copied.isEmpty() ? "nothing" : counts(copied)) + "; not copied "
                + (notCopied.isEmpty() ? "nothing" : counts(notCopied)));
        for (Entry entry : copied) {
            lines.add("  copied: " + entry.line());
        }
        for (Entry entry : notCopied) {
            lines.add("  not copied: " + entry.line());
        }
        return lines;
    }

    private static String counts(List<Entry> entries) {
        Map<String, Integer> byKind = new LinkedHashMap<>();
        for (Entry entry : entries) {
            byKind.merge(entry.kind(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>(byKind.size());
        byKind.forEach((kind, count) -> parts.add(kind + ": " + count));
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), lines());
    }
}
