package io.walferry.applier.harness;

import io.walferry.applier.harness.RandomWorkload.Op;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * The {@code composite} table's part of a {@link RandomWorkload}: a two-column primary key (either
 * column changes, keys are swapped) and values of numeric (NaN included), text arrays and jsonb.
 */
final class CompositeChanges {
    private static final String[] AMOUNTS = {"NULL", "0", "-1.5", "12345678901234567890.123456789", "'NaN'", "1e-20"};
    private static final String[] TAGS = {"NULL", "'{}'", "'{a,b}'", "ARRAY['x y', 'q\"uote', NULL]", "'{\"\"}'"};
    private static final String[] DOCS = {"NULL", "'{\"k\": 1}'", "'{\"nested\": {\"a\": [1, 2, null]}, \"s\": \"a\\tb\"}'",
        "'[]'", "'\"just a string\"'"};
    private static final String[] REGIONS = {"eu", "us", "ap", "sa"};

    /** A key of the table. */
    private record CompositeKey(String region, int id) {
        static final Comparator<CompositeKey> ORDER = Comparator.comparing(CompositeKey::region)
                .thenComparingInt(CompositeKey::id);

        String where() {
            return "region = '" + region + "' AND id = " + id;
        }
    }

    private final WorkloadScript script;
    private final TreeSet<CompositeKey> rows = new TreeSet<>(CompositeKey.ORDER);
    private int nextId = 1;

    CompositeChanges(WorkloadScript script) {
        this.script = script;
    }

    /** Puts the keys back as they are now when the returned action runs. */
    Runnable snapshot() {
        TreeSet<CompositeKey> saved = new TreeSet<>(rows);
        return () -> {
            rows.clear();
            rows.addAll(saved);
        };
    }

    /** TRUNCATE ran. */
    void clear() {
        rows.clear();
    }

    CompositeKey insert() {
        CompositeKey key;
        do {
            int id = script.random.nextBoolean() && nextId > 1 ? 1 + script.random.nextInt(nextId - 1) : nextId++;
            key = new CompositeKey(script.pick(REGIONS), id);
        } while (rows.contains(key));
        script.change(Op.COMPOSITE_INSERT, "INSERT INTO composite VALUES ('" + key.region() + "', " + key.id() + ", "
                + script.random.nextInt(1000) + ", " + script.pick(AMOUNTS) + ", " + script.pick(TAGS) + ", "
                + script.pick(DOCS) + ")");
        rows.add(key);
        return key;
    }

    private CompositeKey someKey() {
        if (rows.isEmpty()) {
            return insert();
        }
        int index = script.random.nextInt(rows.size());
        for (CompositeKey key : rows) {
            if (index-- == 0) {
                return key;
            }
        }
        throw new IllegalStateException("model changed while iterating");
    }

    void update() {
        CompositeKey key = someKey();
        String set = switch (script.random.nextInt(4)) {
            case 0 -> "seq = seq + 1";
            case 1 -> "amount = " + script.pick(AMOUNTS);
            case 2 -> "tags = " + script.pick(TAGS) + ", doc = " + script.pick(DOCS);
            default -> "seq = 0, amount = " + script.pick(AMOUNTS) + ", tags = " + script.pick(TAGS) + ", doc = "
                    + script.pick(DOCS);
        };
        script.change(Op.COMPOSITE_UPDATE, "UPDATE composite SET " + set + " WHERE " + key.where());
    }

    /** Changes one column of the key (region or id) or both. */
    void changeKey() {
        CompositeKey from = someKey();
        CompositeKey to;
        do {
            to = switch (script.random.nextInt(3)) {
                case 0 -> new CompositeKey(script.pick(REGIONS), from.id());
                case 1 -> new CompositeKey(from.region(), nextId++);
                default -> new CompositeKey(script.pick(REGIONS), nextId++);
            };
        } while (rows.contains(to));
        script.change(Op.COMPOSITE_KEY_CHANGE, "UPDATE composite SET region = '" + to.region() + "', id = " + to.id()
                + " WHERE " + from.where());
        rows.remove(from);
        rows.add(to);
    }

    /** Two rows exchange their keys through a temporary key, in one transaction; the set of keys stays. */
    void swapKeys() {
        CompositeKey first = someKey();
        CompositeKey second = someKey();
        if (first.equals(second)) {
            second = insert();
        }
        CompositeKey other = second;
        int temp = nextId++;
        script.inTransaction(() -> {
            script.change(Op.COMPOSITE_KEY_SWAP, "UPDATE composite SET region = 'tmp', id = " + temp + " WHERE "
                    + first.where());
            script.change(Op.COMPOSITE_KEY_SWAP, "UPDATE composite SET region = '" + first.region() + "', id = " + first.id()
                    + " WHERE " + other.where());
            script.change(Op.COMPOSITE_KEY_SWAP, "UPDATE composite SET region = '" + other.region() + "', id = " + other.id()
                    + " WHERE region = 'tmp' AND id = " + temp);
        });
    }

    void delete() {
        CompositeKey key = someKey();
        script.change(Op.COMPOSITE_DELETE, "DELETE FROM composite WHERE " + key.where());
        rows.remove(key);
    }
}
