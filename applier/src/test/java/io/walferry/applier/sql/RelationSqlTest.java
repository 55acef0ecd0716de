package io.walferry.applier.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.applier.ApplyException;
import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.UpdateMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RelationSqlTest {
    private static final int INT4 = 23;
    private static final int TEXT = 25;
    private static final int RELATION_ID = 16400;

    private final PgOutputDecoder decoder = new PgOutputDecoder(1);

    /** Describes {@code public.docs (id int4 key, note text, body text)} to the decoder and returns it. */
    private RelationInfo relation(char identity, boolean... keys) {
        String[] names = {"id", "note", "body"};
        int[] types = {INT4, TEXT, TEXT};
        PgOutputBytes message = PgOutputBytes.message('R').int32(RELATION_ID).string("public").string("docs")
                .int8(identity).int16(names.length);
        for (int i = 0; i < names.length; i++) {
            message.int8(keys[i] ? 1 : 0).string(names[i]).int32(types[i]).int32(-1);
        }
        assertThat(wrap(message)).isEqualTo(MessageType.RELATION);
        return decoder.relation().relation();
    }

    private static TargetTable target(char relkind, TargetColumn... columns) {
        return new TargetTable("public", "docs", relkind, List.of(columns));
    }

    private static TargetColumn column(String name, String type) {
        return new TargetColumn(name, type, false, false, false);
    }

    private static TargetTable plainTarget() {
        return target('r', new TargetColumn("id", "integer", false, false, true), column("note", "text"), column("body", "text"));
    }

    private UpdateMessage update(char oldKind, String[] oldValues, String... newValues) {
        PgOutputBytes message = PgOutputBytes.message('U').int32(RELATION_ID);
        if (oldValues != null) {
            message.int8(oldKind).tuple(oldValues);
        }
        assertThat(wrap(message.int8('N').tuple(newValues))).isEqualTo(MessageType.UPDATE);
        return decoder.update();
    }

    private MessageType wrap(PgOutputBytes message) {
        byte[] bytes = message.bytes();
        return decoder.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static List<String> parameters(StatementPlan plan) {
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < plan.parameterCount(); i++) {
            parameters.add((char) plan.parameterTuple(i) + ":" + plan.parameterName(i));
        }
        return parameters;
    }

    @Test
    void shouldInsertEveryColumnTheTargetDoesNotGenerateWithOverridingForAlwaysIdentity() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false), target('r',
                new TargetColumn("id", "integer", true, false, true), column("note", "text"),
                new TargetColumn("body", "text", false, true, false)));

        assertThat(sql.insertPlan().sql()).isEqualTo(
                "INSERT INTO \"public\".\"docs\" (\"id\", \"note\") OVERRIDING SYSTEM VALUE VALUES (?::integer, ?::text)");
    }

    @Test
    void shouldUpdateEveryColumnButUnchangedToastAndFindTheRowByTheNewKey() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false), plainTarget());

        StatementPlan plan = sql.updatePlan(update('K', null, "1", "changed", PgOutputBytes.UNCHANGED));

        assertThat(plan.sql()).isEqualTo(
                "UPDATE ONLY \"public\".\"docs\" SET \"id\" = ?::integer, \"note\" = ?::text WHERE \"id\" = ?::integer");
        assertThat(parameters(plan)).containsExactly("N:id", "N:note", "N:id");
    }

    @Test
    void shouldFindTheRowByTheOldKeyWhenTheKeyChanged() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false), plainTarget());

        StatementPlan plan = sql.updatePlan(update('K', new String[] {"1", null, null}, "2", "note", "body"));

        assertThat(plan.sql()).endsWith(" WHERE \"id\" = ?::integer");
        assertThat(parameters(plan)).containsExactly("N:id", "N:note", "N:body", "O:id");
    }

    @Test
    void shouldChangeOneWholeRowMatchedAsTextForReplicaIdentityFullWithoutATargetKey() {
        RelationSql sql = RelationSql.build(relation('f', true, true, true),
                target('r', column("id", "integer"), column("note", "text"), column("body", "public.\"Doc\"")));

        StatementPlan plan = sql.updatePlan(update('O', new String[] {"1", null, "b"}, "1", "n", "b"));

        assertThat(plan.sql()).isEqualTo("UPDATE ONLY \"public\".\"docs\" SET \"id\" = ?::integer, \"note\" = ?::text,"
                + " \"body\" = ?::public.\"Doc\" WHERE (tableoid, ctid) = (SELECT tableoid, ctid FROM ONLY \"public\".\"docs\""
                + " WHERE (\"id\")::text COLLATE \"C\" IS NOT DISTINCT FROM (?::integer)::text"
                + " AND (\"note\")::text COLLATE \"C\" IS NOT DISTINCT FROM (?::text)::text"
                + " AND (\"body\")::text COLLATE \"C\" IS NOT DISTINCT FROM (?::public.\"Doc\")::text LIMIT 1)");
        assertThat(parameters(plan)).containsExactly("N:id", "N:note", "N:body", "O:id", "O:note", "O:body");
    }

    @Test
    void shouldMatchReplicaIdentityFullRowsByTheTargetPrimaryKeyWhenThereIsOne() {
        RelationSql sql = RelationSql.build(relation('f', true, true, true), plainTarget());

        StatementPlan plan = sql.updatePlan(update('O', new String[] {"1", "a", "b"}, "1", "n", "b"));

        assertThat(plan.sql()).endsWith(" WHERE \"id\" = ?::integer");
        assertThat(parameters(plan)).endsWith("O:id");
    }

    @Test
    void shouldCheckAlwaysIdentityColumnsInsteadOfSettingThem() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false), target('r',
                new TargetColumn("id", "integer", false, false, true), new TargetColumn("note", "bigint", true, false, false),
                column("body", "text")));

        StatementPlan plan = sql.updatePlan(update('K', null, "1", "100", "b"));

        assertThat(plan.sql()).isEqualTo("UPDATE ONLY \"public\".\"docs\" SET \"id\" = ?::integer, \"body\" = ?::text"
                + " WHERE \"id\" = ?::integer AND \"note\" = ?::bigint");
    }

    @Test
    void shouldWritePartitionedTablesThroughTheRootWithoutOnly() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false),
                target('p', column("id", "integer"), column("note", "text"), column("body", "text")));

        assertThat(sql.truncateTarget()).isEqualTo("\"public\".\"docs\"");
        assertThat(sql.updatePlan(update('K', null, "1", "a", "b")).sql()).startsWith("UPDATE \"public\".\"docs\" SET");
    }

    @Test
    void shouldReuseOnePlanPerShapeOfChange() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false), plainTarget());

        StatementPlan plain = sql.updatePlan(update('K', null, "1", "a", "b"));
        StatementPlan toast = sql.updatePlan(update('K', null, "1", "a", PgOutputBytes.UNCHANGED));

        assertThat(sql.updatePlan(update('K', null, "2", "c", "d"))).isSameAs(plain);
        assertThat(sql.updatePlan(update('K', null, "3", "e", PgOutputBytes.UNCHANGED))).isSameAs(toast).isNotSameAs(plain);
    }

    @Test
    void shouldAcceptTheSameRelationResentButNotAChangedOne() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false), plainTarget());

        assertThat(sql.accepts(relation('d', true, false, false))).isTrue();
        assertThat(sql.accepts(relation('f', true, true, true))).isFalse();
        RelationInfo retyped = new RelationInfo(RELATION_ID, "public", "docs", (byte) 'd', new ColumnInfo[] {
            new ColumnInfo("id", 20, -1, true), new ColumnInfo("note", TEXT, -1, false), new ColumnInfo("body", TEXT, -1, false)});
        assertThat(sql.accepts(retyped)).isFalse();
    }

    @Test
    void shouldNameTheColumnTheTargetLacks() {
        assertThatThrownBy(() -> RelationSql.build(relation('d', true, false, false),
                target('r', column("id", "integer"), column("body", "text"))))
                .isInstanceOf(ApplyException.class)
                .hasMessage("column note of table public.docs, sent by the source, does not exist on the target: add it there"
                        + " (ALTER TABLE \"public\".\"docs\" ADD COLUMN \"note\" ...)");
    }

    @Test
    void shouldRefuseUpdatesOfATableWithoutReplicaIdentityKey() {
        RelationSql sql = RelationSql.build(relation('n', false, false, false), plainTarget());

        assertThatThrownBy(() -> sql.updatePlan(update('K', null, "1", "a", "b")))
                .isInstanceOf(ApplyException.class)
                .hasMessageContaining("table public.docs has no replica identity key");
    }

    @Test
    void shouldDescribeTheRowByItsKeyWithLongValuesCutShort() {
        RelationSql sql = RelationSql.build(relation('d', true, false, false), plainTarget());
        String longValue = "x".repeat(100);

        String described = sql.insertPlan().describeRow(Arrays.asList("7", longValue, null), 0);

        assertThat(described).isEqualTo("(id)=(7)");
        assertThat(RelationSql.build(relation('f', true, true, true),
                target('r', column("id", "integer"), column("note", "text"), column("body", "text")))
                .insertPlan().describeRow(Arrays.asList("7", longValue, null), 0))
                .isEqualTo("(id, note, body)=(7, " + "x".repeat(64) + "... (100 characters), null)");
    }

    @Test
    void shouldQuoteIdentifiersWithEmbeddedQuotes() {
        assertThat(SqlIdentifiers.qualified("My Schema", "Odd \"Table\"")).isEqualTo("\"My Schema\".\"Odd \"\"Table\"\"\"");
    }
}
