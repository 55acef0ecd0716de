package io.walferry.benchmarks;

import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.RelationInfo;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Random;

/**
 * Narrow OLTP rows: the stream a pgbench TPC-B run at scale 10 produces. Each transaction is
 * <pre>
 *   UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
 *   SELECT abalance FROM pgbench_accounts WHERE aid = :aid;          -- no change, nothing sent
 *   UPDATE pgbench_tellers  SET tbalance = tbalance + :delta WHERE tid = :tid;
 *   UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
 *   INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (..., CURRENT_TIMESTAMP);
 * </pre>
 * and arrives as six messages: Begin, three Updates without an old tuple (the key did not change),
 * an Insert, Commit. As {@code pgbench -i} leaves them, {@code pgbench_accounts.filler} is 84 spaces
 * and every other {@code filler} is NULL.
 *
 * <p>In {@link Format#TEXT} values are the output functions' text ({@code "4711"},
 * {@code "2026-11-22 10:11:12.123456"}); in {@link Format#BINARY} (subscription option
 * {@code binary = true}) the send functions' bytes (an {@code int4} as 4 bytes, a {@code timestamp}
 * as 8 bytes of microseconds, a {@code char(n)} as its padded bytes). Both formats draw the same
 * values from the same seed.
 */
public final class PgbenchWorkload {
    /** Value format of the tuples. */
    public enum Format { TEXT, BINARY }

    public static final int TRANSACTIONS = 10_000;
    /** Begin, 3 Updates, Insert, Commit. */
    public static final int MESSAGES_PER_TRANSACTION = 6;
    /** Messages one benchmark invocation decodes (the Relation prologue excluded). */
    public static final int MESSAGES = TRANSACTIONS * MESSAGES_PER_TRANSACTION;
    public static final int SCALE = 10;
    public static final int ACCOUNTS = 100_000 * SCALE;
    public static final int TELLERS = 10 * SCALE;
    public static final int BRANCHES = SCALE;

    public static final int HISTORY_OID = 16_390;
    public static final int TELLERS_OID = 16_393;
    public static final int ACCOUNTS_OID = 16_396;
    public static final int BRANCHES_OID = 16_399;
    public static final int FIRST_XID = 1_207;
    public static final long SEED = 20261122L;

    private static final int INT4 = 23;
    private static final int BPCHAR = 1042;
    private static final int TIMESTAMP = 1114;
    private static final String ACCOUNT_FILLER = PgText.bpchar("", 84);
    private static final byte[] ACCOUNT_FILLER_BYTES = ACCOUNT_FILLER.getBytes(StandardCharsets.US_ASCII);
    /** Commit time of the first transaction: 2026-11-22 10:11:12.123456 UTC. */
    public static final long FIRST_COMMIT_MICROS = PgText.pgMicros(LocalDateTime.of(2026, 11, 22, 10, 11, 12, 123_456_000));

    private PgbenchWorkload() {
    }

    /** The stream of {@link #TRANSACTIONS} transactions in the given format. */
    public static PgOutputStream build(Format format) {
        return build(format, TRANSACTIONS, SEED);
    }

    public static PgOutputStream build(Format format, int transactions, long seed) {
        PgOutputStreamBuilder out = new PgOutputStreamBuilder(0x3_2A00_0028L, transactions * 320 + 4096);
        writeRelations(out);
        Random random = new Random(seed);
        int[] accountBalances = new int[ACCOUNTS + 1];
        int[] tellerBalances = new int[TELLERS + 1];
        int[] branchBalances = new int[BRANCHES + 1];
        long commitMicros = FIRST_COMMIT_MICROS;
        for (int t = 0; t < transactions; t++) {
            int aid = 1 + random.nextInt(ACCOUNTS);
            int tid = 1 + random.nextInt(TELLERS);
            int bid = 1 + random.nextInt(BRANCHES);
            int delta = random.nextInt(10_001) - 5_000;
            long statementMicros = commitMicros - 200 - random.nextInt(700);
            accountBalances[aid] += delta;
            tellerBalances[tid] += delta;
            branchBalances[bid] += delta;

            out.begin(FIRST_XID + t, commitMicros);
            out.update(ACCOUNTS_OID, 4);
            int4(out, format, aid);
            int4(out, format, (aid - 1) / 100_000 + 1);
            int4(out, format, accountBalances[aid]);
            if (format == Format.TEXT) {
                out.text(ACCOUNT_FILLER);
            } else {
                out.binary(ACCOUNT_FILLER_BYTES);
            }
            out.end();
            out.update(TELLERS_OID, 4);
            int4(out, format, tid);
            int4(out, format, (tid - 1) / 10 + 1);
            int4(out, format, tellerBalances[tid]);
            out.nullValue().end();
            out.update(BRANCHES_OID, 3);
            int4(out, format, bid);
            int4(out, format, branchBalances[bid]);
            out.nullValue().end();
            out.insert(HISTORY_OID, 6);
            int4(out, format, tid);
            int4(out, format, bid);
            int4(out, format, aid);
            int4(out, format, delta);
            if (format == Format.TEXT) {
                out.text(PgText.timestamp(statementMicros));
            } else {
                out.binaryInt8(statementMicros);
            }
            out.nullValue().end();
            out.commit();
            commitMicros += 700 + random.nextInt(600);
        }
        return out.build();
    }

    /** The Relation messages pgoutput sends before each table's first change, in first-change order. */
    static void writeRelations(PgOutputStreamBuilder out) {
        out.relation(ACCOUNTS_OID, "public", "pgbench_accounts", RelationInfo.IDENTITY_DEFAULT,
                new ColumnInfo("aid", INT4, -1, true),
                new ColumnInfo("bid", INT4, -1, false),
                new ColumnInfo("abalance", INT4, -1, false),
                new ColumnInfo("filler", BPCHAR, 84 + 4, false));
        out.relation(TELLERS_OID, "public", "pgbench_tellers", RelationInfo.IDENTITY_DEFAULT,
                new ColumnInfo("tid", INT4, -1, true),
                new ColumnInfo("bid", INT4, -1, false),
                new ColumnInfo("tbalance", INT4, -1, false),
                new ColumnInfo("filler", BPCHAR, 84 + 4, false));
        out.relation(BRANCHES_OID, "public", "pgbench_branches", RelationInfo.IDENTITY_DEFAULT,
                new ColumnInfo("bid", INT4, -1, true),
                new ColumnInfo("bbalance", INT4, -1, false),
                new ColumnInfo("filler", BPCHAR, 88 + 4, false));
        // pgbench_history has no primary key: inserts replicate, its identity has no key columns.
        out.relation(HISTORY_OID, "public", "pgbench_history", RelationInfo.IDENTITY_DEFAULT,
                new ColumnInfo("tid", INT4, -1, false),
                new ColumnInfo("bid", INT4, -1, false),
                new ColumnInfo("aid", INT4, -1, false),
                new ColumnInfo("delta", INT4, -1, false),
                new ColumnInfo("mtime", TIMESTAMP, -1, false),
                new ColumnInfo("filler", BPCHAR, 22 + 4, false));
    }

    private static void int4(PgOutputStreamBuilder out, Format format, int value) {
        if (format == Format.TEXT) {
            out.text(Integer.toString(value));
        } else {
            out.binaryInt4(value);
        }
    }
}
