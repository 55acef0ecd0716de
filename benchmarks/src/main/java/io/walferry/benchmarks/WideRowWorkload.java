package io.walferry.benchmarks;

import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.RelationInfo;
import java.time.LocalDateTime;
import java.util.Random;

/**
 * Wide rows: an application table of 40 columns of mixed types (keys, money, timestamps, uuids,
 * jsonb, arrays, inet, bytea, nullable columns), text format. Each transaction inserts a row, updates
 * another (pgoutput sends the whole new row), and deletes a third (the old key: the key column and 39
 * NULLs), as Begin, Insert, Update, Delete, Commit: five messages.
 */
public final class WideRowWorkload {
    public static final int TRANSACTIONS = 4_000;
    /** Begin, Insert, Update, Delete, Commit. */
    public static final int MESSAGES_PER_TRANSACTION = 5;
    /** Messages one benchmark invocation decodes (the Relation prologue excluded). */
    public static final int MESSAGES = TRANSACTIONS * MESSAGES_PER_TRANSACTION;
    public static final int COLUMNS = 40;
    public static final int RELATION_OID = 16_420;
    public static final int FIRST_XID = 88_114;
    public static final long SEED = 40L;
    /** The id of the first row inserted; earlier ids are updated and deleted. */
    public static final long FIRST_NEW_ID = 1_000_000L;

    private static final int BOOL = 16;
    private static final int BYTEA = 17;
    private static final int INT8 = 20;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final int INET = 869;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int TEXT_ARRAY = 1009;
    private static final int BPCHAR = 1042;
    private static final int VARCHAR = 1043;
    private static final int DATE = 1082;
    private static final int TIMESTAMPTZ = 1184;
    private static final int NUMERIC = 1700;
    private static final int UUID = 2950;
    private static final int JSONB = 3802;

    /** A column and how often it is NULL, in percent. */
    private record Column(ColumnInfo info, int nullPercent) {
    }

    private static final Column[] TABLE = {
        column("id", INT8, -1, true, 0),
        column("tenant_id", INT4, -1, false, 0),
        column("created_at", TIMESTAMPTZ, -1, false, 0),
        column("updated_at", TIMESTAMPTZ, -1, false, 0),
        column("status", TEXT, -1, false, 0),
        column("email", VARCHAR, 255 + 4, false, 0),
        column("first_name", VARCHAR, 100 + 4, false, 0),
        column("last_name", VARCHAR, 100 + 4, false, 0),
        column("phone", VARCHAR, 32 + 4, false, 20),
        column("birth_date", DATE, -1, false, 30),
        column("is_verified", BOOL, -1, false, 0),
        column("score", FLOAT8, -1, false, 0),
        column("balance", NUMERIC, (12 << 16 | 2) + 4, false, 0),
        column("credit_limit", NUMERIC, (12 << 16 | 2) + 4, false, 10),
        column("login_count", INT4, -1, false, 0),
        column("last_login_at", TIMESTAMPTZ, -1, false, 15),
        column("country", BPCHAR, 2 + 4, false, 0),
        column("city", VARCHAR, 100 + 4, false, 5),
        column("postal_code", VARCHAR, 16 + 4, false, 5),
        column("street", TEXT, -1, false, 5),
        column("external_ref", UUID, -1, false, 0),
        column("session_id", UUID, -1, false, 40),
        column("attributes", JSONB, -1, false, 0),
        column("tags", TEXT_ARRAY, -1, false, 25),
        column("notes", TEXT, -1, false, 70),
        column("referrer", TEXT, -1, false, 50),
        column("ip_address", INET, -1, false, 10),
        column("locale", VARCHAR, 8 + 4, false, 0),
        column("timezone", TEXT, -1, false, 0),
        column("version", INT4, -1, false, 0),
        column("flags", INT2, -1, false, 0),
        column("rating", NUMERIC, (3 << 16 | 1) + 4, false, 30),
        column("discount", FLOAT4, -1, false, 60),
        column("priority", INT2, -1, false, 0),
        column("is_deleted", BOOL, -1, false, 0),
        column("deleted_at", TIMESTAMPTZ, -1, false, 95),
        column("source", TEXT, -1, false, 0),
        column("campaign", TEXT, -1, false, 60),
        column("payload_hash", BYTEA, -1, false, 0),
        column("checksum", INT8, -1, false, 0),
    };

    private static final String[] STATUSES = {"active", "pending", "suspended", "closed"};
    private static final String[] COUNTRIES = {"DE", "US", "FR", "GB", "NL", "PL", "JP", "BR"};
    private static final String[] ZONES = {"Europe/Berlin", "America/New_York", "Europe/Paris", "Asia/Tokyo"};
    private static final String[] SOURCES = {"web", "ios", "android", "api", "import"};
    private static final long BASE_MICROS = PgText.pgMicros(LocalDateTime.of(2026, 11, 22, 9, 0, 0));

    private WideRowWorkload() {
    }

    public static PgOutputStream build() {
        return build(TRANSACTIONS, SEED);
    }

    public static PgOutputStream build(int transactions, long seed) {
        PgOutputStreamBuilder out = new PgOutputStreamBuilder(0x5_1000_0028L, transactions * 1_600 + 4096);
        ColumnInfo[] infos = new ColumnInfo[COLUMNS];
        for (int i = 0; i < COLUMNS; i++) {
            infos[i] = TABLE[i].info();
        }
        out.relation(RELATION_OID, "public", "customer_profiles", RelationInfo.IDENTITY_DEFAULT, infos);
        Random random = new Random(seed);
        long commitMicros = BASE_MICROS;
        for (int t = 0; t < transactions; t++) {
            long newId = FIRST_NEW_ID + t;
            out.begin(FIRST_XID + t, commitMicros);
            writeRow(out.insert(RELATION_OID, COLUMNS), random, newId, commitMicros).end();
            writeRow(out.update(RELATION_OID, COLUMNS), random, 1 + random.nextInt((int) FIRST_NEW_ID), commitMicros).end();
            out.delete(RELATION_OID, 'K', COLUMNS).text(Long.toString(1 + random.nextInt((int) FIRST_NEW_ID)));
            for (int i = 1; i < COLUMNS; i++) {
                out.nullValue();
            }
            out.end();
            out.commit();
            commitMicros += 1_000 + random.nextInt(4_000);
        }
        return out.build();
    }

    private static PgOutputStreamBuilder writeRow(PgOutputStreamBuilder out, Random random, long id, long nowMicros) {
        for (int i = 0; i < COLUMNS; i++) {
            Column column = TABLE[i];
            if (i == 0) {
                out.text(Long.toString(id));
            } else if (random.nextInt(100) < column.nullPercent()) {
                out.nullValue();
            } else {
                out.text(value(column.info(), random, id, nowMicros));
            }
        }
        return out;
    }

    private static String value(ColumnInfo column, Random random, long id, long nowMicros) {
        switch (column.name()) {
            case "status":
                return STATUSES[random.nextInt(STATUSES.length)];
            case "email":
                return PgText.word(random) + "." + PgText.word(random) + id + "@example.com";
            case "phone":
                return "+49-30-" + (1_000_000 + random.nextInt(9_000_000));
            case "country":
                return COUNTRIES[random.nextInt(COUNTRIES.length)];
            case "postal_code":
                return Integer.toString(10_000 + random.nextInt(90_000));
            case "street":
                return (1 + random.nextInt(200)) + " " + PgText.word(random) + " street";
            case "ip_address":
                return "192.0.2." + random.nextInt(256);
            case "locale":
                return random.nextBoolean() ? "en_US" : "de_DE";
            case "timezone":
                return ZONES[random.nextInt(ZONES.length)];
            case "source":
                return SOURCES[random.nextInt(SOURCES.length)];
            case "checksum":
                return Long.toString(random.nextLong());
            default:
                return valueOfType(column.typeOid(), random, nowMicros);
        }
    }

    private static String valueOfType(int typeOid, Random random, long nowMicros) {
        switch (typeOid) {
            case BOOL:
                return random.nextInt(4) == 0 ? "f" : "t";
            case BYTEA:
                return PgText.byteaHex(random, 32);
            case INT8:
                return Long.toString(random.nextInt(Integer.MAX_VALUE) * 97L);
            case INT2:
                return Integer.toString(random.nextInt(100));
            case INT4:
                return Integer.toString(random.nextInt(100_000));
            case FLOAT4:
                return Float.toString((random.nextInt(100) + 1) / 100f);
            case FLOAT8:
                return Double.toString(random.nextInt(10_000_000) / 1_000.0);
            case NUMERIC:
                return PgText.money(random.nextInt(10_000_000) - 1_000_000);
            case DATE:
                return PgText.date(1950 + random.nextInt(55), 1 + random.nextInt(12), 1 + random.nextInt(28));
            case TIMESTAMPTZ:
                return PgText.timestamptz(nowMicros - random.nextInt(Integer.MAX_VALUE) * 1_000L);
            case UUID:
                return PgText.uuid(random);
            case JSONB:
                return "{\"plan\": \"" + PgText.word(random) + "\", \"seats\": " + random.nextInt(50)
                        + ", \"trial\": " + random.nextBoolean() + "}";
            case TEXT_ARRAY:
                return "{" + PgText.word(random) + "," + PgText.word(random) + "}";
            case TEXT:
            case VARCHAR:
            case BPCHAR:
                return PgText.prose(random, 4 + random.nextInt(28)).trim();
            default:
                throw new IllegalArgumentException("type OID: " + typeOid + " (expected: a type of the fixture table)");
        }
    }

    private static Column column(String name, int typeOid, int typeModifier, boolean key, int nullPercent) {
        return new Column(new ColumnInfo(name, typeOid, typeModifier, key), nullPercent);
    }
}
