package io.walferry.benchmarks;

import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.RelationInfo;
import java.time.LocalDateTime;
import java.util.Random;

/**
 * Large values: a document table {@code documents(id int8, version int4, summary text, body text)}
 * whose rows carry a 2 KB summary and a 64 KB body, text format. Each transaction inserts a document
 * (both values sent) and then edits its summary: the Update sends the new 2 KB summary and the body
 * as an unchanged TOAST value ({@code 'u'}, no bytes), as pgoutput does for an untouched out-of-line
 * value. Begin, Insert, Update, Commit: four messages.
 */
public final class LargeValueWorkload {
    public static final int TRANSACTIONS = 500;
    /** Begin, Insert, Update, Commit. */
    public static final int MESSAGES_PER_TRANSACTION = 4;
    /** Messages one benchmark invocation decodes (the Relation prologue excluded). */
    public static final int MESSAGES = TRANSACTIONS * MESSAGES_PER_TRANSACTION;
    public static final int COLUMNS = 4;
    public static final int SUMMARY_BYTES = 2 * 1024;
    public static final int BODY_BYTES = 64 * 1024;
    public static final int RELATION_OID = 16_430;
    public static final int FIRST_XID = 301_557;
    public static final long FIRST_ID = 70_001L;
    public static final long SEED = 64L;
    /** Distinct bodies to cycle through: enough that rows differ, few enough to build quickly. */
    private static final int DISTINCT_BODIES = 16;

    private static final int INT8 = 20;
    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final long BASE_MICROS = PgText.pgMicros(LocalDateTime.of(2026, 11, 22, 11, 30, 0));

    private LargeValueWorkload() {
    }

    public static PgOutputStream build() {
        return build(TRANSACTIONS, SEED);
    }

    public static PgOutputStream build(int transactions, long seed) {
        PgOutputStreamBuilder out = new PgOutputStreamBuilder(0x7_0400_0028L,
                transactions * (BODY_BYTES + 2 * SUMMARY_BYTES + 256) + 4096);
        out.relation(RELATION_OID, "public", "documents", RelationInfo.IDENTITY_DEFAULT,
                new ColumnInfo("id", INT8, -1, true),
                new ColumnInfo("version", INT4, -1, false),
                new ColumnInfo("summary", TEXT, -1, false),
                new ColumnInfo("body", TEXT, -1, false));
        Random random = new Random(seed);
        String[] bodies = new String[DISTINCT_BODIES];
        for (int i = 0; i < DISTINCT_BODIES; i++) {
            bodies[i] = PgText.prose(random, BODY_BYTES);
        }
        long commitMicros = BASE_MICROS;
        for (int t = 0; t < transactions; t++) {
            String id = Long.toString(FIRST_ID + t);
            out.begin(FIRST_XID + t, commitMicros);
            out.insert(RELATION_OID, COLUMNS)
                    .text(id).text("1").text(PgText.prose(random, SUMMARY_BYTES)).text(bodies[t % DISTINCT_BODIES])
                    .end();
            out.update(RELATION_OID, COLUMNS)
                    .text(id).text("2").text(PgText.prose(random, SUMMARY_BYTES)).unchangedToast()
                    .end();
            out.commit();
            commitMicros += 2_000 + random.nextInt(8_000);
        }
        return out.build();
    }
}
