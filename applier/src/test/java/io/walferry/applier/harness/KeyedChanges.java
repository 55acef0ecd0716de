package io.walferry.applier.harness;

import io.walferry.applier.harness.RandomWorkload.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The {@code keyed} table's part of a {@link RandomWorkload}: a primary key, a secondary UNIQUE column
 * {@code code}, and {@code body}, some of whose values are over 2 kB and stored out of line (TOAST), so
 * that an UPDATE leaving one alone sends it as unchanged TOAST ({@code 'u'}), even when the key changes.
 * Keeps the keys, codes and which bodies are big, so every statement is valid where it runs.
 */
final class KeyedChanges {
    /** Above this many rows, a bulk insert deletes instead, so a workload stays small. */
    private static final int MAX_ROWS = 1500;

    /** A row as the generator knows it: its unique code (or null) and whether its body is TOASTed. */
    private record KeyedRow(Integer code, boolean big) {
    }

    private final WorkloadScript script;
    private final TreeMap<Integer, KeyedRow> rows = new TreeMap<>();
    private int nextId = 1;
    private int nextCode = 1;
    private int nextTemp = 1;

    KeyedChanges(WorkloadScript script) {
        this.script = script;
    }

    /** Puts the rows back as they are now when the returned action runs (a savepoint or transaction rolled back). */
    Runnable snapshot() {
        TreeMap<Integer, KeyedRow> saved = new TreeMap<>(rows);
        return () -> {
            rows.clear();
            rows.putAll(saved);
        };
    }

    /** TRUNCATE ran. */
    void clear() {
        rows.clear();
    }

    int insert() {
        return insert(nextId++, script.random.nextInt(10) < 7 ? nextCode++ : null, script.random.nextInt(10) < 4);
    }

    private int insert(int id, Integer code, boolean big) {
        String body = big ? script.bigValue() : script.random.nextInt(4) == 0 ? "NULL" : script.word();
        script.change(Op.INSERT, "INSERT INTO keyed VALUES (" + id + ", " + code + ", " + script.random.nextInt(100) + ", "
                + script.word() + ", " + body + ")");
        rows.put(id, new KeyedRow(code, big));
        return id;
    }

    /** An existing key, inserting a row first when there is none. */
    private int someKey() {
        if (rows.isEmpty()) {
            return insert();
        }
        return nth(rows, script.random.nextInt(rows.size()));
    }

    /** An existing key whose body is TOASTed, inserting such a row first when there is none. */
    private int someBigKey() {
        List<Integer> big = new ArrayList<>();
        rows.forEach((id, row) -> {
            if (row.big()) {
                big.add(id);
            }
        });
        return big.isEmpty() ? insert(nextId++, null, true) : big.get(script.random.nextInt(big.size()));
    }

    void update() {
        int id = someKey();
        script.change(Op.UPDATE, "UPDATE keyed SET qty = qty + " + (script.random.nextInt(21) - 10) + ", note = "
                + script.word()
                + " WHERE id = " + id);
    }

    /** Changes columns of a row with a TOASTed body but not the body: the update sends it as unchanged TOAST. */
    void updateAroundToast() {
        int id = someBigKey();
        String set = switch (script.random.nextInt(3)) {
            case 0 -> "qty = qty + 1";
            case 1 -> "note = " + script.word() + ", qty = 0";
            default -> {
                KeyedRow row = rows.get(id);
                int code = nextCode++;
                rows.put(id, new KeyedRow(code, row.big()));
                yield "code = " + code;
            }
        };
        script.change(Op.TOAST_UNCHANGED_UPDATE, "UPDATE keyed SET " + set + " WHERE id = " + id);
    }

    void changeToast() {
        int id = someKey();
        boolean big = script.random.nextBoolean();
        script.change(Op.TOAST_CHANGE, "UPDATE keyed SET body = " + (big ? script.bigValue() : script.word())
                + " WHERE id = " + id);
        rows.put(id, new KeyedRow(rows.get(id).code(), big));
    }

    /** Moves a row to a new key; half of the time one with a TOASTed body, which the update leaves unchanged. */
    int changeKey() {
        int from = script.random.nextBoolean() ? someBigKey() : someKey();
        int to = nextId++;
        script.change(Op.KEY_CHANGE, "UPDATE keyed SET id = " + to + (script.random.nextBoolean() ? ", qty = qty + 1" : "")
                + " WHERE id = " + from);
        rows.put(to, rows.remove(from));
        return to;
    }

    /** Two rows exchange their keys through a temporary one, in one transaction. */
    void swapKeys() {
        int first = someKey();
        int drawn = someKey();
        int second = drawn == first ? insert() : drawn;
        int temp = nextId++;
        script.inTransaction(() -> {
            script.change(Op.KEY_SWAP, "UPDATE keyed SET id = " + temp + " WHERE id = " + first);
            script.change(Op.KEY_SWAP, "UPDATE keyed SET id = " + first + " WHERE id = " + second);
            script.change(Op.KEY_SWAP, "UPDATE keyed SET id = " + second + " WHERE id = " + temp);
        });
        KeyedRow firstRow = rows.get(first);
        rows.put(first, rows.get(second));
        rows.put(second, firstRow);
    }

    void delete() {
        int id = someKey();
        script.change(Op.DELETE, "DELETE FROM keyed WHERE id = " + id);
        rows.remove(id);
    }

    /** Deletes a row and inserts another under the same key and unique code: the key and the code are taken again. */
    void deleteAndReinsert() {
        int id = someKey();
        Integer code = rows.get(id).code();
        script.inTransaction(() -> {
            script.change(Op.DELETE_REINSERT, "DELETE FROM keyed WHERE id = " + id);
            rows.remove(id);
            insert(id, code, script.random.nextBoolean());
        });
    }

    /** Two rows exchange their unique codes through a temporary value, in one transaction. */
    void swapCodes() {
        int first = rowWithCode();
        int second = rowWithCode();
        while (second == first) {
            second = rowWithCode(insert());
        }
        int firstCode = rows.get(first).code();
        int secondCode = rows.get(second).code();
        int other = second;
        script.inTransaction(() -> {
            script.change(Op.UNIQUE_SWAP, "UPDATE keyed SET code = " + -(nextTemp++) + " WHERE id = " + first);
            script.change(Op.UNIQUE_SWAP, "UPDATE keyed SET code = " + firstCode + " WHERE id = " + other);
            script.change(Op.UNIQUE_SWAP, "UPDATE keyed SET code = " + secondCode + " WHERE id = " + first);
        });
        rows.put(first, new KeyedRow(secondCode, rows.get(first).big()));
        rows.put(second, new KeyedRow(firstCode, rows.get(second).big()));
    }

    /** A row's unique code goes to another row: after deleting the first, or after clearing it. */
    void handOverCode() {
        int from = rowWithCode();
        int code = rows.get(from).code();
        script.inTransaction(() -> {
            if (script.random.nextBoolean()) {
                script.change(Op.UNIQUE_HANDOVER, "DELETE FROM keyed WHERE id = " + from);
                rows.remove(from);
                insert(nextId++, code, script.random.nextBoolean());
            } else {
                script.change(Op.UNIQUE_HANDOVER, "UPDATE keyed SET code = NULL WHERE id = " + from);
                rows.put(from, new KeyedRow(null, rows.get(from).big()));
                int to = someKey();
                script.change(Op.UNIQUE_HANDOVER, "UPDATE keyed SET code = " + code + " WHERE id = " + to);
                rows.put(to, new KeyedRow(code, rows.get(to).big()));
            }
        });
    }

    private int rowWithCode() {
        return rowWithCode(someKey());
    }

    /** {@code id}, after giving it a fresh code if it has none. */
    private int rowWithCode(int id) {
        KeyedRow row = rows.get(id);
        if (row.code() == null) {
            int code = nextCode++;
            script.change(Op.UPDATE, "UPDATE keyed SET code = " + code + " WHERE id = " + id);
            rows.put(id, new KeyedRow(code, row.big()));
        }
        return id;
    }

    /** One row changed several times in one transaction: columns, its key, its body, deleted and inserted again. */
    void touchOneRowRepeatedly() {
        script.inTransaction(() -> {
            int id = script.random.nextBoolean() ? someBigKey() : someKey();
            script.change(Op.MULTI_TOUCH, "UPDATE keyed SET qty = qty + 1 WHERE id = " + id);
            script.change(Op.MULTI_TOUCH, "UPDATE keyed SET note = " + script.word() + " WHERE id = " + id);
            if (script.random.nextBoolean()) {
                int to = nextId++;
                script.change(Op.MULTI_TOUCH, "UPDATE keyed SET id = " + to + " WHERE id = " + id);
                rows.put(to, rows.remove(id));
                id = to;
            }
            script.change(Op.MULTI_TOUCH, "UPDATE keyed SET qty = qty * 2, note = note || '!' WHERE id = " + id);
            if (script.random.nextInt(3) == 0) {
                boolean big = script.random.nextBoolean();
                script.change(Op.MULTI_TOUCH, "UPDATE keyed SET body = " + (big ? script.bigValue() : script.word())
                        + " WHERE id = " + id);
                rows.put(id, new KeyedRow(rows.get(id).code(), big));
            }
            if (script.random.nextInt(3) == 0) {
                Integer code = rows.get(id).code();
                script.change(Op.MULTI_TOUCH, "DELETE FROM keyed WHERE id = " + id);
                rows.remove(id);
                insert(id, code, script.random.nextBoolean());
                script.change(Op.MULTI_TOUCH, "UPDATE keyed SET qty = -1 WHERE id = " + id);
            }
        });
    }

    /** Hundreds of rows in one statement, every 20th with a TOASTed body and every 3rd without a code. */
    void bulkInsert() {
        bulkInsert(200 + script.random.nextInt(201), 20);
    }

    /** {@code count} rows in one statement, every {@code bigEvery}th (none when 0) with a TOASTed body. */
    void bulkInsert(int count, int bigEvery) {
        if (rows.size() > MAX_ROWS) {
            bulkDelete();
            return;
        }
        int low = nextId;
        int high = low + count - 1;
        int codeBase = nextCode;
        nextId += count;
        nextCode += count;
        String body = bigEvery == 0 ? "'small ' || g"
                : "CASE WHEN g % " + bigEvery + " = 0 THEN " + script.bigValueOf("g") + " ELSE 'small ' || g END";
        script.change(Op.BULK_INSERT, "INSERT INTO keyed SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE g - " + low + " + "
                + codeBase + " END, g % 17, 'bulk ' || g, " + body + " FROM generate_series(" + low + ", " + high + ") g");
        for (int id = low; id <= high; id++) {
            rows.put(id, new KeyedRow(id % 3 == 0 ? null : id - low + codeBase, bigEvery > 0 && id % bigEvery == 0));
        }
    }

    void bulkUpdate() {
        int modulus = 2 + script.random.nextInt(4);
        script.change(Op.BULK_UPDATE, "UPDATE keyed SET qty = qty + 1, note = 'bulk ' || id WHERE id % " + modulus + " = "
                + script.random.nextInt(modulus));
    }

    void bulkDelete() {
        int modulus = 3 + script.random.nextInt(5);
        int remainder = script.random.nextInt(modulus);
        script.change(Op.BULK_DELETE, "DELETE FROM keyed WHERE id % " + modulus + " = " + remainder);
        rows.keySet().removeIf(id -> id % modulus == remainder);
    }

    /** Moves a range of keys to a range above every key used so far, row by row in one statement. */
    void bulkKeyShift() {
        if (rows.isEmpty()) {
            bulkInsert();
            return;
        }
        List<Integer> ids = new ArrayList<>(rows.keySet());
        int from = script.random.nextInt(ids.size());
        int to = Math.min(ids.size() - 1, from + 50 + script.random.nextInt(350));
        int low = ids.get(from);
        int high = ids.get(to);
        int base = nextId;
        nextId += high - low + 1;
        script.change(Op.BULK_KEY_SHIFT, "UPDATE keyed SET id = id - " + low + " + " + base + " WHERE id BETWEEN " + low
                + " AND " + high);
        NavigableMap<Integer, KeyedRow> moved = new TreeMap<>(rows.subMap(low, true, high, true));
        rows.keySet().removeAll(moved.keySet());
        moved.forEach((id, row) -> rows.put(id - low + base, row));
    }

    private static int nth(NavigableMap<Integer, KeyedRow> map, int index) {
        for (int id : map.keySet()) {
            if (index-- == 0) {
                return id;
            }
        }
        throw new IllegalStateException("model changed while iterating");
    }
}
