package io.walferry.applier.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A random write workload for the source, generated from a seed: the SQL of a sequence of source
 * transactions over three tables, each statement valid where it runs (the generator keeps a model of
 * the keys and unique values, restored when a savepoint or a transaction is rolled back), so the same
 * seed always gives the same statements and, run on an empty database by one session, the same
 * stream.
 *
 * <p>The tables ({@link #DDL}):
 * <ul>
 *   <li>{@code keyed}: a primary key, a secondary UNIQUE column {@code code}, and {@code body}, some
 *       of whose values are chains of md5 hex digits over 2 kB, which compress poorly and are therefore
 *       stored out of line (TOAST): an UPDATE that leaves such a value alone sends it as unchanged
 *       TOAST ({@code 'u'}), even when the key changes.</li>
 *   <li>{@code composite}: a two-column primary key, numeric (NaN included), arrays and jsonb.</li>
 *   <li>{@code keyless}: no key, REPLICA IDENTITY FULL, values from small domains so rows have many
 *       identical twins (big ones included); single rows among them are changed by {@code ctid}.</li>
 * </ul>
 * Each table's statements come from a generator of its own ({@link KeyedChanges},
 * {@link CompositeChanges}, {@link KeylessChanges}). The operations ({@link Op}) cover inserts,
 * updates of non-key columns, of the key, of the TOASTed value and around it, deletes, a key freed
 * and taken again, unique values swapped through a temporary value or handed to another row, key
 * swaps, several changes of one row in one transaction, statements over hundreds of rows (which the
 * server streams in progress, the test servers' {@code logical_decoding_work_mem} being tiny) and
 * TRUNCATE. Transactions commit or roll
 * back, some run in auto-commit, some hold savepoints (nested up to three deep) that are released or
 * rolled back. Text values include quotes, backslashes, tabs, newlines, {@code \N}, the word NULL
 * and the empty string. The first transactions take each operation once, in random order, and commit,
 * so every seed covers them all.
 */
public final class RandomWorkload {
    /** The tables, created on the source and every target. */
    public static final List<String> DDL = List.of(
            "CREATE TABLE keyed (id int PRIMARY KEY, code int UNIQUE, qty int NOT NULL, note text, body text)",
            "CREATE TABLE composite (region text, id int, seq int NOT NULL, amount numeric, tags text[], doc jsonb,"
                    + " PRIMARY KEY (region, id))",
            "CREATE TABLE keyless (a int, b text, c text, doc json)",
            "ALTER TABLE keyless REPLICA IDENTITY FULL");
    /** The tables a test compares, as SQL names them. */
    public static final List<String> TABLES = List.of("keyed", "composite", "keyless");

    /** What a statement or a group of statements does; counted in {@link #operations()}. */
    public enum Op {
        INSERT, UPDATE, TOAST_UNCHANGED_UPDATE, TOAST_CHANGE, KEY_CHANGE, KEY_SWAP, DELETE, DELETE_REINSERT,
        UNIQUE_SWAP, UNIQUE_HANDOVER, MULTI_TOUCH, BULK_INSERT, BULK_UPDATE, BULK_DELETE, BULK_KEY_SHIFT,
        BULK_SAVEPOINT_ROLLBACK, TRUNCATE,
        COMPOSITE_INSERT, COMPOSITE_UPDATE, COMPOSITE_KEY_CHANGE, COMPOSITE_KEY_SWAP, COMPOSITE_DELETE,
        KEYLESS_INSERT, KEYLESS_UPDATE_ONE, KEYLESS_UPDATE_ALL, KEYLESS_DELETE_ONE, KEYLESS_DELETE_ALL,
        SAVEPOINT_ROLLBACK, TRANSACTION_ROLLBACK
    }

    /** Operations with their weights when drawn at random; the bulk ones and TRUNCATE are rare. */
    private static final Map<Op, Integer> WEIGHTS = weights();

    private final WorkloadScript script;
    private final KeyedChanges keyed;
    private final CompositeChanges composite;
    private final KeylessChanges keyless;
    private final int targetChanges;
    /** {@link #WEIGHTS} without the operations left out. */
    private final Map<Op, Integer> weights;

    private RandomWorkload(long seed, int targetChanges, Set<Op> leftOut) {
        this.script = new WorkloadScript(seed);
        this.keyed = new KeyedChanges(script);
        this.composite = new CompositeChanges(script);
        this.keyless = new KeylessChanges(script);
        this.targetChanges = targetChanges;
        this.weights = new EnumMap<>(WEIGHTS);
        weights.keySet().removeAll(leftOut);
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("leftOut: " + leftOut + " (expected: some operation kept)");
        }
    }

    /** The workload of {@code seed}: transactions until about {@code changes} data-changing statements are issued. */
    public static RandomWorkload generate(long seed, int changes) {
        return generate(seed, changes, Set.of());
    }

    /**
     * The workload of {@code seed} without the operations {@code leftOut}, to narrow a failure down
     * (they may still run as part of another: an insert to have a row to update, say).
     */
    public static RandomWorkload generate(long seed, int changes, Set<Op> leftOut) {
        RandomWorkload workload = new RandomWorkload(seed, changes, leftOut);
        workload.generate();
        return workload;
    }

    /** The statements, in order, for one session in auto-commit mode (transactions carry BEGIN/COMMIT). */
    public List<String> statements() {
        return script.statements();
    }

    /** How often each operation was generated (rolled back or not). */
    public Map<Op, Integer> operations() {
        return script.operations();
    }

    /** The statements as one SQL script, for a failure report. */
    public String script() {
        StringBuilder sql = new StringBuilder();
        for (String statement : script.statements()) {
            sql.append(statement).append(";\n");
        }
        return sql.toString();
    }

    private void generate() {
        List<Op> prologue = new ArrayList<>(weights.keySet());
        Collections.shuffle(prologue, script.random);
        for (Op op : prologue) {
            script.emit("BEGIN");
            operation(op);
            script.emit("COMMIT");
        }
        while (script.changes() < targetChanges) {
            transaction();
        }
    }

    private void transaction() {
        if (script.random.nextInt(5) == 0) {
            // auto-commit: each statement its own transaction
            operation(script.random.nextBoolean() ? Op.INSERT : randomOp());
            return;
        }
        Runnable rollback = snapshot();
        script.emit("BEGIN");
        int count = 1 + script.random.nextInt(5);
        for (int i = 0; i < count; i++) {
            operation(randomOp());
        }
        if (script.random.nextInt(3) == 0) {
            savepoint(1);
            operation(randomOp());
        }
        if (script.random.nextInt(14) == 0) {
            script.emit("ROLLBACK");
            script.count(Op.TRANSACTION_ROLLBACK);
            rollback.run();
        } else {
            script.emit("COMMIT");
        }
    }

    private void savepoint(int depth) {
        String name = "sp" + depth;
        Runnable rollback = snapshot();
        script.emit("SAVEPOINT " + name);
        int count = 1 + script.random.nextInt(3);
        for (int i = 0; i < count; i++) {
            operation(randomOp());
        }
        if (depth < 3 && script.random.nextInt(3) == 0) {
            savepoint(depth + 1);
        }
        if (script.random.nextInt(10) < 7) {
            script.emit("ROLLBACK TO SAVEPOINT " + name);
            script.count(Op.SAVEPOINT_ROLLBACK);
            rollback.run();
        } else {
            script.emit("RELEASE SAVEPOINT " + name);
        }
    }

    /** Puts every table's model back as it is now when the returned action runs. */
    private Runnable snapshot() {
        Runnable keyedBack = keyed.snapshot();
        Runnable compositeBack = composite.snapshot();
        Runnable keylessBack = keyless.snapshot();
        return () -> {
            keyedBack.run();
            compositeBack.run();
            keylessBack.run();
        };
    }

    private Op randomOp() {
        int total = 0;
        for (int weight : weights.values()) {
            total += weight;
        }
        int pick = script.random.nextInt(total);
        for (Map.Entry<Op, Integer> entry : weights.entrySet()) {
            pick -= entry.getValue();
            if (pick < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("weights changed");
    }

    private static Map<Op, Integer> weights() {
        EnumMap<Op, Integer> weights = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            weights.put(op, 4);
        }
        weights.remove(Op.SAVEPOINT_ROLLBACK);
        weights.remove(Op.TRANSACTION_ROLLBACK);
        weights.put(Op.INSERT, 8);
        weights.put(Op.UPDATE, 6);
        weights.put(Op.TOAST_UNCHANGED_UPDATE, 6);
        weights.put(Op.COMPOSITE_INSERT, 6);
        weights.put(Op.KEYLESS_INSERT, 8);
        weights.put(Op.KEYLESS_DELETE_ALL, 2);
        for (Op rare : List.of(Op.BULK_INSERT, Op.BULK_UPDATE, Op.BULK_DELETE, Op.BULK_KEY_SHIFT,
                Op.BULK_SAVEPOINT_ROLLBACK, Op.TRUNCATE)) {
            weights.put(rare, 1);
        }
        return weights;
    }

    private void operation(Op op) {
        switch (op) {
            case INSERT -> keyed.insert();
            case UPDATE -> keyed.update();
            case TOAST_UNCHANGED_UPDATE -> keyed.updateAroundToast();
            case TOAST_CHANGE -> keyed.changeToast();
            case KEY_CHANGE -> keyed.changeKey();
            case KEY_SWAP -> keyed.swapKeys();
            case DELETE -> keyed.delete();
            case DELETE_REINSERT -> keyed.deleteAndReinsert();
            case UNIQUE_SWAP -> keyed.swapCodes();
            case UNIQUE_HANDOVER -> keyed.handOverCode();
            case MULTI_TOUCH -> keyed.touchOneRowRepeatedly();
            case BULK_INSERT -> keyed.bulkInsert();
            case BULK_UPDATE -> keyed.bulkUpdate();
            case BULK_DELETE -> keyed.bulkDelete();
            case BULK_KEY_SHIFT -> keyed.bulkKeyShift();
            case BULK_SAVEPOINT_ROLLBACK -> bulkWithRolledBackSavepoint();
            case TRUNCATE -> truncate();
            case COMPOSITE_INSERT -> composite.insert();
            case COMPOSITE_UPDATE -> composite.update();
            case COMPOSITE_KEY_CHANGE -> composite.changeKey();
            case COMPOSITE_KEY_SWAP -> composite.swapKeys();
            case COMPOSITE_DELETE -> composite.delete();
            case KEYLESS_INSERT -> keyless.insert();
            case KEYLESS_UPDATE_ONE -> keyless.updateOneTwin();
            case KEYLESS_UPDATE_ALL -> keyless.updateAllOfA();
            case KEYLESS_DELETE_ONE -> keyless.deleteOneTwin();
            case KEYLESS_DELETE_ALL -> keyless.deleteAllTwins();
            default -> throw new IllegalArgumentException("op: " + op + " (expected: a data-changing operation)");
        }
    }

    /**
     * A transaction the server streams in progress, with a savepoint rolled back after that: the stream
     * carries the subtransaction's changes, then its Stream Abort. The subtransaction starts with enough
     * rows for the server to stream it before it ends, and without TOASTed values, since the server
     * spills a transaction to disk instead of streaming it while its last change is half a TOASTed row.
     */
    private void bulkWithRolledBackSavepoint() {
        script.inTransaction(() -> {
            keyed.bulkInsert();
            Runnable rollback = snapshot();
            script.emit("SAVEPOINT bulk");
            keyed.bulkInsert(600 + script.random.nextInt(201), 0);
            keyed.bulkUpdate();
            keyed.changeKey();
            composite.insert();
            keyless.insert();
            script.emit("ROLLBACK TO SAVEPOINT bulk");
            script.count(Op.SAVEPOINT_ROLLBACK);
            rollback.run();
            keyed.updateAroundToast();
        });
    }

    private void truncate() {
        switch (script.random.nextInt(4)) {
            case 0 -> {
                script.change(Op.TRUNCATE, "TRUNCATE keyed");
                keyed.clear();
            }
            case 1 -> {
                script.change(Op.TRUNCATE, "TRUNCATE composite");
                composite.clear();
            }
            case 2 -> {
                script.change(Op.TRUNCATE, "TRUNCATE composite, keyless");
                composite.clear();
                keyless.clear();
            }
            default -> {
                script.change(Op.TRUNCATE, "TRUNCATE keyed, composite, keyless");
                keyed.clear();
                composite.clear();
                keyless.clear();
            }
        }
    }
}
