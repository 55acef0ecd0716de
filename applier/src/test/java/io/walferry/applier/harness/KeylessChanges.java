package io.walferry.applier.harness;

import io.walferry.applier.harness.RandomWorkload.Op;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The {@code keyless} table's part of a {@link RandomWorkload}: no key, REPLICA IDENTITY FULL, and
 * values from small domains, so that rows have identical twins (big, TOASTed ones included); single
 * rows among twins are changed and deleted by {@code ctid}, and a json column has no equality
 * operator to match on. Keeps how many rows of each (a, b) there are, so statements find rows.
 */
final class KeylessChanges {
    private static final String[] B = {"'x'", "'y'", "NULL", "'it''s'"};
    private static final String[] DOCS = {"NULL", "'{\"k\": [1, 2]}'", "'{\"k\":[1,2]}'"};

    /** Rows with the same {@code a} and {@code b} (an SQL literal): twins. */
    private record KeylessKind(int a, String b) {
        static final Comparator<KeylessKind> ORDER = Comparator.comparingInt(KeylessKind::a)
                .thenComparing(KeylessKind::b);

        String where() {
            return "a = " + a + " AND b IS NOT DISTINCT FROM " + b;
        }
    }

    private final WorkloadScript script;
    private final TreeMap<KeylessKind, Integer> rows = new TreeMap<>(KeylessKind.ORDER);

    KeylessChanges(WorkloadScript script) {
        this.script = script;
    }

    /** Puts the counts back as they are now when the returned action runs. */
    Runnable snapshot() {
        TreeMap<KeylessKind, Integer> saved = new TreeMap<>(rows);
        return () -> {
            rows.clear();
            rows.putAll(saved);
        };
    }

    /** TRUNCATE ran. */
    void clear() {
        rows.clear();
    }

    KeylessKind insert() {
        KeylessKind kind = new KeylessKind(1 + script.random.nextInt(4), script.pick(B));
        int copies = 1 + script.random.nextInt(4);
        String c = script.random.nextInt(5) == 0 ? script.bigValueOf("'keyless " + script.random.nextInt(2) + "'")
                : script.pick(B);
        script.change(Op.KEYLESS_INSERT, "INSERT INTO keyless SELECT " + kind.a() + ", " + kind.b() + ", " + c + ", "
                + script.pick(DOCS) + " FROM generate_series(1, " + copies + ")");
        rows.merge(kind, copies, Integer::sum);
        return kind;
    }

    /** Existing rows' (a, b), inserting some first when there are none. */
    private KeylessKind someKind() {
        if (rows.isEmpty()) {
            return insert();
        }
        int index = script.random.nextInt(rows.size());
        for (KeylessKind kind : rows.keySet()) {
            if (index-- == 0) {
                return kind;
            }
        }
        throw new IllegalStateException("model changed while iterating");
    }

    /** Changes one row among its twins, found by ctid; a big {@code c} is left alone (unchanged TOAST). */
    void updateOneTwin() {
        KeylessKind from = someKind();
        KeylessKind to = switch (script.random.nextInt(3)) {
            case 0 -> new KeylessKind(1 + script.random.nextInt(4), from.b());
            case 1 -> new KeylessKind(from.a(), script.pick(B));
            default -> from;
        };
        String set = "a = " + to.a() + ", b = " + to.b()
                + (script.random.nextBoolean() ? ", doc = " + script.pick(DOCS) : "");
        script.change(Op.KEYLESS_UPDATE_ONE, "UPDATE keyless SET " + set + " WHERE ctid = (SELECT ctid FROM keyless WHERE "
                + from.where() + " LIMIT 1)");
        removeOne(from);
        rows.merge(to, 1, Integer::sum);
    }

    /** Changes every row with one value of {@code a}: one change per row, twins included. */
    void updateAllOfA() {
        int a = someKind().a();
        String b = script.pick(B);
        script.change(Op.KEYLESS_UPDATE_ALL, "UPDATE keyless SET b = " + b + (script.random.nextBoolean() ? ", doc = "
                + script.pick(DOCS) : "") + " WHERE a = " + a);
        int changed = 0;
        for (KeylessKind kind : List.copyOf(rows.keySet())) {
            if (kind.a() == a) {
                changed += rows.remove(kind);
            }
        }
        rows.merge(new KeylessKind(a, b), changed, Integer::sum);
    }

    void deleteOneTwin() {
        KeylessKind kind = someKind();
        script.change(Op.KEYLESS_DELETE_ONE, "DELETE FROM keyless WHERE ctid = (SELECT ctid FROM keyless WHERE "
                + kind.where() + " LIMIT 1)");
        removeOne(kind);
    }

    void deleteAllTwins() {
        KeylessKind kind = someKind();
        script.change(Op.KEYLESS_DELETE_ALL, "DELETE FROM keyless WHERE " + kind.where());
        rows.remove(kind);
    }

    private void removeOne(KeylessKind kind) {
        rows.computeIfPresent(kind, (key, count) -> count == 1 ? null : count - 1);
    }
}
