package io.walferry.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.applier.harness.FixtureOptions;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.decoder.MessageType;
import io.walferry.engine.pipeline.ApplyHandler;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.TupleData;
import io.walferry.testkit.TestPostgres;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every built-in type of the design brief, and user-defined enums, domains and composites, written
 * on one server version and read back exactly on another: inserted, updated, deleted, by key and by
 * whole-row match (REPLICA IDENTITY FULL, where types without an equality operator must still find
 * their row).
 */
class TypeRoundTripIT {
    private static final String COLUMNS = "(id int, i2 int2, i4 int4, i8 int8, num numeric, num_typed numeric(12,3),"
            + " f4 float4, f8 float8, t text, vc varchar(10), ch char(3), by bytea, b bool, d date, tm time,"
            + " ttz timetz, ts timestamp(3), tstz timestamptz, iv interval, u uuid, js json, jsb jsonb, ia int[],"
            + " ta text[], i2d int[][], r4 int4range, rtz tstzrange, mr int4multirange, inet_v inet, cidr_v cidr,"
            + " mac macaddr, mac8 macaddr8, money_v money, mood_v mood, pos positive, comp pair, x xml, pt point,"
            + " bx box, poly polygon, circ circle, bits bit(3), vbits varbit, tsv tsvector, tsq tsquery, lsn pg_lsn,"
            + " jp jsonpath, moods mood[])";

    private static final List<String> TYPES = List.of(
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'very \"happy\"')",
            "CREATE DOMAIN positive AS int CHECK (VALUE > 0)",
            "CREATE TYPE pair AS (n int, label text)");

    private static final String ROW_1 = "(1, -32768, 2147483647, -9223372036854775808, 'NaN', -123456789.125,"
            + " 'NaN', 'Infinity', E'quote '' backslash \\\\ tab \\t newline \\n unicode \u00e9\u4e2d\uD83D\uDE00',"
            + " 'varchar', 'ab', '\\x00ff10', true, 'infinity', '24:00:00', '23:59:59.999999+14:59',"
            + " 'infinity', '-infinity', '-178000000 years -1 mon -2 days -03:04:05.678', "
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"b\": 1,  \"a\" : [1, 2.50, null], \"a\": \"dup\"}',"
            + " '{\"b\": 1, \"a\": [1, 2.50, null], \"nested\": {\"x\": \"\\u00e9\"}}', '{1,NULL,-3}',"
            + " ARRAY['a\"b', NULL, 'c,d', 'NULL', '', 'back\\slash', '{braces}'], '{{1,2},{3,4}}', 'empty',"
            + " '[2024-01-01 00:00:00+00,infinity)', '{[1,3), [5,7)}', '192.168.0.1/24', '10.0.0.0/8',"
            + " '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', '12.34', 'very \"happy\"', 7, '(1,\"x, \"\"y\"\"\")',"
            + " '<a b=\"1\">text &amp; more</a>', '(1.5,-2)', '((0,0),(1,1))', '((0,0),(1,0),(1,1))', '<(0,0),2>',"
            + " B'101', B'1', 'a fat:2 cat', 'fat & !rat', '16/B374D848', '$.a[*] ? (@ > 1)', '{sad,happy}')";

    private static final String ROW_2 = "(2, 0, 0, 0, '-Infinity', 0, '-Infinity', '-0', '', '', '', '\\x', false,"
            + " '-infinity', '00:00', '00:00+00', '-infinity', 'infinity', '0', '00000000-0000-0000-0000-000000000000',"
            + " '[]', '{}', '{}', '{}', '{}', '[1,5)', '(,)', '{}', '::1', '::/0', '00:00:00:00:00:00',"
            + " '00:00:00:00:00:00:00:00', '-0.01', 'sad', 1, '(,)', '<empty/>', '(0,0)', '((0,0),(0,0))',"
            + " '((0,0))', '<(0,0),0>', B'000', B'', '', 'a', '0/0', '$', '{}')";

    private static final String ROW_3 = "(3, 1, 1, 1, 'Infinity', 1.5, 3.4028235e+38, 1.7976931348623157e+308,"
            + " 'plain', 'x', 'abc', '\\xdeadbeef', true, '4713-01-01 BC', '12:34:56.789012', '12:34:56.789012-08',"
            + " '2024-02-29 23:59:59.999', '2024-02-29 12:00:00.123456+05:30', '1 year 2 mons 3 days 04:05:06.789',"
            + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', '1.0e+10', '[1.0e+10, true]', '{1}', '{x}', '{{1}}',"
            + " '(,5]', '[2024-01-01,2024-01-02)', '{[1,2]}', '2001:db8::1/64', '2001:db8::/32',"
            + " 'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff:ff:ff', '1000000.99', 'ok', 2147483647, '(-1,)',"
            + " 'plain text', '(-1e+100,1e-100)', '((1,2),(3,4))', '((1,2),(3,4),(5,6),(7,8))', '<(1,1),0.5>',"
            + " B'111', B'0101010101', 'ünïcode:1A', 'a <-> b', 'FFFFFFFF/FFFFFFFF', 'strict $.x', '{ok,ok}')";

    private static final String ROW_NULLS = "(4" + ", NULL".repeat(47) + ")";

    /** Every type whose binary form the applier converts exactly (ExactBinaryTypes), scalar and array. */
    private static final String BINARY_COLUMNS = "(id int, i2 int2, i4 int4, i8 int8, o oid, num numeric,"
            + " num_typed numeric(12,3), f4 float4, f8 float8, t text, vc varchar(10), ch char(3), nm name, by bytea,"
            + " b bool, d date, tm time, ts timestamp(3), tstz timestamptz, iv interval, u uuid, js json, jsb jsonb,"
            + " inet_v inet, cidr_v cidr, ia int[], i2d int[][], i2a int2[], i8a int8[], oa oid[], na numeric[],"
            + " f4a float4[], f8a float8[], ta text[], va varchar[], bpa char(2)[], nma name[], bya bytea[],"
            + " ba bool[], da date[], tma time[], tsa timestamp[], tza timestamptz[], iva interval[], ua uuid[],"
            + " jsa json[], jba jsonb[], ina inet[], cia cidr[])";

    private static final String BINARY_ROW_1 = "(1, -32768, 2147483647, -9223372036854775808, 4294967295, 'NaN',"
            + " -123456789.125, 'NaN', 'Infinity', E'quote '' backslash \\\\ tab \\t unicode \u00e9\u4e2d\uD83D\uDE00',"
            + " 'varchar', 'ab', 'a name', '\\x00ff10', true, 'infinity', '24:00:00', 'infinity', '-infinity',"
            + " '-178000000 years -1 mon -2 days -03:04:05.678', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
            + " '{\"b\": 1,  \"a\" : [1, 2.50, null], \"a\": \"dup\"}', '{\"b\": 1, \"a\": [1, 2.50, null]}',"
            + " '::ffff:1.2.3.4', '2001:db8::/32', '[0:2]={1,NULL,-3}', '{{1,2},{3,4}}', '{-32768,32767}',"
            + " '{-9223372036854775808}', '{0,4294967295}', '{NaN,Infinity,-Infinity,-0.000001,123456789012345678901234567890.5}',"
            + " '{NaN,-Infinity,1e-45,3.4028235e+38,-0}', '{NaN,Infinity,1.7976931348623157e+308,5e-324,-0,0.1}',"
            + " ARRAY['a\"b', NULL, 'c,d', 'NULL', '', 'back\\slash', '{braces}', ' spaced '], '{x,\"y z\"}',"
            + " '{\"a \",b}', '{pg_catalog}', '{\"\\\\x00ff\",NULL,\"\\\\x\"}', '{t,f,NULL}',"
            + " '{infinity,-infinity,4713-01-01 BC,2024-02-29}', '{00:00,24:00:00,12:34:56.789012}',"
            + " '{infinity,\"0001-01-01 00:00:00 BC\",\"294276-12-31 23:59:59.999999\"}',"
            + " '{\"2024-02-29 12:00:00.123456+05:30\",-infinity}', '{\"1 year -2 mons 3 days -04:05:06\",0}',"
            + " '{00000000-0000-0000-0000-000000000000}', ARRAY['{\"x\": [1, 2]}', 'null']::json[],"
            + " ARRAY['{\"x\": \"\\u00e9\"}', '[]']::jsonb[], '{::1,192.168.0.1/24,fe80::1ff:fe23:4567:890a/64}',"
            + " '{10.0.0.0/8,::/0}')";

    private static final String BINARY_ROW_2 = "(2, 0, 0, 0, 0, '-Infinity', 0, '-Infinity', '-0', '', '', '', '',"
            + " '\\x', false, '-infinity', '00:00', '-infinity', 'infinity', '0', '00000000-0000-0000-0000-000000000000',"
            + " '[]', '{}', '::', '::/0', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',"
            + " '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')";

    private static final String BINARY_ROW_3 = "(3, 1, 1, 1, 1, 'Infinity', 1.5, 3.4028235e+38, 1.7976931348623157e+308,"
            + " 'plain', 'x', 'abc', repeat('n', 63), '\\xdeadbeef', true, '4713-01-01 BC', '12:34:56.789012',"
            + " '2024-02-29 23:59:59.999', '2024-02-29 12:00:00.123456+05:30', '1 year 2 mons 3 days 04:05:06.789',"
            + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', '1.0e+10', '[1.0e+10, true]', '2001:db8::1/64', '192.168.0.0/16',"
            + " '{1}', '{{1}}', '{1}', '{1}', '{1}', '{1.50}', '{0.1}', '{0.1}', '{x}', '{x}', '{x}', '{x}', '{\\\\x01}',"
            + " '{t}', '{2000-01-01}', '{00:00:01}', '{2000-01-01 00:00:00}', '{2000-01-01 00:00:00+00}', '{1 day}',"
            + " '{ffffffff-ffff-ffff-ffff-ffffffffffff}', '{1}', '{1}', '{::ffff:10.0.0.1}', '{::ffff:10.0.0.0/104}')";

    private static final String BINARY_ROW_NULLS = "(4" + ", NULL".repeat(48) + ")";

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}, {2}")
    @CsvSource({"14, 17, transactional", "17, 14, transactional", "18, 17, transactional", "14, 17, batched",
        "18, 17, batched"})
    void shouldRoundTripEveryTypeByKey(int sourceVersion, int targetVersion, String mode) throws Exception {
        List<String> ddl = new java.util.ArrayList<>(TYPES);
        ddl.add("CREATE TABLE typed " + COLUMNS.replace("(id int,", "(id int PRIMARY KEY,"));
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(sourceVersion, targetVersion),
                ddl.toArray(String[]::new));
             ApplyHandler applier = fixture.openHandler("types", mode)) {
            fixture.run(applier, "INSERT INTO typed VALUES " + ROW_1 + ", " + ROW_2 + ", " + ROW_3 + ", " + ROW_NULLS);
            assertThat(fixture.targetRows("typed")).hasSize(4).isEqualTo(fixture.sourceRows("typed"));

            fixture.run(applier,
                    "UPDATE typed SET (num, f8, tstz, jsb, ta, comp, x, pt) = (n.num, n.f8, n.tstz, n.jsb, n.ta, n.comp, n.x, n.pt)"
                            + " FROM typed n WHERE typed.id = 1 AND n.id = 3",
                    "UPDATE typed SET id = 5, mood_v = 'happy' WHERE id = 2",
                    "UPDATE typed SET t = 'was null', moods = ARRAY['very \"happy\"', NULL]::mood[] WHERE id = 4",
                    "DELETE FROM typed WHERE id = 3");

            assertThat(fixture.targetRows("typed")).hasSize(3).isEqualTo(fixture.sourceRows("typed"));
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}, {2}")
    @CsvSource({"14, 17, transactional", "17, 14, transactional", "18, 17, transactional", "14, 17, batched",
        "18, 17, batched"})
    void shouldApplyBinaryValuesOfEveryExactlyConvertedTypeAsTheSourceHasThem(int sourceVersion, int targetVersion, String mode)
            throws Exception {
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(sourceVersion, targetVersion),
                FixtureOptions.DEFAULTS.withBinary(),
                "CREATE TABLE binary_keyed " + BINARY_COLUMNS.replace("(id int,", "(id int PRIMARY KEY,"),
                "CREATE TABLE binary_full " + BINARY_COLUMNS, "ALTER TABLE binary_full REPLICA IDENTITY FULL");
             ApplyHandler applier = fixture.openHandler("types_binary", mode)) {
            String rows = BINARY_ROW_1 + ", " + BINARY_ROW_2 + ", " + BINARY_ROW_3 + ", " + BINARY_ROW_NULLS;
            fixture.run(applier, "INSERT INTO binary_keyed VALUES " + rows,
                    "INSERT INTO binary_full VALUES " + rows + ", " + BINARY_ROW_1);
            assertThat(binaryValues(fixture)).as("values that arrived in binary format").isGreaterThan(100);
            assertThat(fixture.targetRows("binary_keyed")).hasSize(4).isEqualTo(fixture.sourceRows("binary_keyed"));
            assertThat(fixture.targetRows("binary_full")).hasSize(5).isEqualTo(fixture.sourceRows("binary_full"));

            for (String table : List.of("binary_keyed", "binary_full")) {
                fixture.run(applier,
                        "UPDATE " + table + " SET (num, f8, tstz, jsb, ta, inet_v, na) = (n.num, n.f8, n.tstz, n.jsb,"
                                + " n.ta, n.inet_v, n.na) FROM " + table + " n WHERE " + table + ".id = 2 AND n.id = 3",
                        "UPDATE " + table + " SET id = 5, t = 'moved' WHERE ctid = (SELECT min(ctid) FROM " + table
                                + " WHERE id = 1)",
                        "DELETE FROM " + table + " WHERE id = 3");
            }

            assertThat(fixture.targetRows("binary_keyed")).hasSize(3).isEqualTo(fixture.sourceRows("binary_keyed"));
            assertThat(fixture.targetRows("binary_full")).hasSize(4).isEqualTo(fixture.sourceRows("binary_full"));
        }
    }

    /** How many values of the Insert messages delivered so far came in binary format. */
    private static int binaryValues(ReplicationFixture fixture) {
        PgOutputDecoder decoder = new PgOutputDecoder(fixture.protocolVersion());
        int count = 0;
        for (ReplicationFixture.Captured message : fixture.captured()) {
            if (decoder.wrap(new UnsafeBuffer(message.bytes()), 0, message.bytes().length) == MessageType.INSERT) {
                TupleData tuple = decoder.insert().newTuple();
                for (int i = 0; i < tuple.columnCount(); i++) {
                    count += tuple.kind(i) == TupleData.BINARY ? 1 : 0;
                }
            }
        }
        return count;
    }

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}, {2}")
    @CsvSource({"14, 17, transactional", "17, 14, transactional", "18, 17, transactional", "14, 17, batched",
        "18, 17, batched"})
    void shouldFindRowsOfEveryTypeByWholeRowMatch(int sourceVersion, int targetVersion, String mode) throws Exception {
        List<String> ddl = new java.util.ArrayList<>(TYPES);
        ddl.add("CREATE TABLE typed_full " + COLUMNS);
        ddl.add("ALTER TABLE typed_full REPLICA IDENTITY FULL");
        try (ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(sourceVersion, targetVersion),
                ddl.toArray(String[]::new));
             ApplyHandler applier = fixture.openHandler("types_full", mode)) {
            fixture.run(applier, "INSERT INTO typed_full VALUES " + ROW_1 + ", " + ROW_1 + ", " + ROW_2 + ", " + ROW_3
                    + ", " + ROW_NULLS + ", " + ROW_NULLS);

            fixture.run(applier,
                    "UPDATE typed_full SET id = 10 WHERE ctid = (SELECT min(ctid) FROM typed_full WHERE id = 1)",
                    "UPDATE typed_full SET t = 'changed' WHERE id = 2",
                    "DELETE FROM typed_full WHERE ctid = (SELECT max(ctid) FROM typed_full WHERE id = 4)",
                    "DELETE FROM typed_full WHERE id = 3");

            assertThat(fixture.targetRows("typed_full")).hasSize(4).isEqualTo(fixture.sourceRows("typed_full"));
        }
    }
}
