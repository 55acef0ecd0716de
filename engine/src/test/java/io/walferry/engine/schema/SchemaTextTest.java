package io.walferry.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Quoting, statement descriptions and report lines, without a server. */
class SchemaTextTest {

    @Test
    void shouldQuoteEveryIdentifierAndDoubleEmbeddedQuotes() {
        assertThat(Sql.ident("order")).isEqualTo("\"order\"");
        assertThat(Sql.ident("Réservation \"Spéciale\"")).isEqualTo("\"Réservation \"\"Spéciale\"\"\"");
        assertThat(new QualifiedName("select", "Mixed Case").toString()).isEqualTo("\"select\".\"Mixed Case\"");
        assertThat(Sql.identList(List.of("a", "B c"))).isEqualTo("\"a\", \"B c\"");
    }

    @Test
    void shouldDoubleSingleQuotesInLiterals() {
        assertThat(Sql.literal("it's \"x\"")).isEqualTo("'it''s \"x\"'");
        assertThat(Sql.oidArray(List.of(1L, 23L))).isEqualTo("{1,23}");
    }

    @Test
    void shouldNameTheObjectAndItsTableInAStatementDescription() {
        QualifiedName orders = new QualifiedName("public", "orders");
        assertThat(new DdlStatement(DdlKind.PRIMARY_KEY, "\"public\".\"orders_pkey\"", orders, "ALTER ...").describe())
                .isEqualTo("primary key \"public\".\"orders_pkey\" on table \"public\".\"orders\"");
        assertThat(new DdlStatement(DdlKind.COMMENT, "\"public\".\"orders\".\"total\"", orders, "COMMENT ...").describe())
                .isEqualTo("comment \"public\".\"orders\".\"total\"");
        assertThat(new DdlStatement(DdlKind.TYPE, "\"public\".\"mood\"", null, "CREATE TYPE ...").describe())
                .isEqualTo("type \"public\".\"mood\"");
    }

    @Test
    void shouldSummariseTheReportByKind() {
        SchemaReport report = new SchemaReport(
                List.of(new SchemaReport.Entry("table", "\"public\".\"a\"", null),
                        new SchemaReport.Entry("table", "\"public\".\"b\"", null),
                        new SchemaReport.Entry("index", "\"public\".\"a_x\" on table \"public\".\"a\"", null)),
                List.of(new SchemaReport.Entry("view", "public.v", SchemaReport.NOT_COPIED)));

        assertThat(report.lines()).containsExactly(
                "schema copy: copied table: 2, index: 1; not copied view: 1",
                "  copied: table \"public\".\"a\"",
                "  copied: table \"public\".\"b\"",
                "  copied: index \"public\".\"a_x\" on table \"public\".\"a\"",
                "  not copied: view public.v: " + SchemaReport.NOT_COPIED);
    }
}
