package io.walferry.engine.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.engine.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cutting pg_dump's plain scripts into objects: scripts captured from pg_dump 15 (a view, a
 * multi-action rule, a SQL-standard function body, a dollar-quoted body and a comment that both
 * hold a fake header, awkward names), and the lexer's edge cases.
 */
class PgDumpScriptTest {

    @Test
    void shouldCutAPreDataScriptIntoItsObjectsWithTheirSettings() throws IOException {
        PgDumpScript script = PgDumpScript.parse(fixture("pre-data-15.sql"));

        assertThat(script.entries()).extracting(PgDumpScript.Entry::describe).contains(
                "schema Odd Schema", "type public.mood", "function public.add(integer, integer)",
                "function Odd Schema.tricky()", "comment public.FUNCTION touch()", "sequence Odd Schema.my seq",
                "table public.customers", "view public.customer_names", "table public.measures_2025",
                "table attach public.measures_2025", "materialized view public.mv", "default public.customers id",
                "table Odd Schema.semi;colon \"q\"")
                .doesNotContain("table public.fake");
        PgDumpScript.Entry add = entry(script, "function public.add(integer, integer)");
        assertThat(add.statements()).singleElement().asString().startsWith("CREATE FUNCTION public.add")
                .contains("CASE").endsWith("END;");
        assertThat(entry(script, "function Odd Schema.tricky()").statements()).singleElement().asString()
                .endsWith("$_$;");
        assertThat(entry(script, "comment public.FUNCTION touch()").statements()).singleElement().asString()
                .contains("-- Name: fake; Type: TABLE");
        assertThat(entry(script, "schema Odd Schema").settings()).containsEntry("search_path", "")
                .containsEntry("check_function_bodies", "false").containsEntry("statement_timeout", "0")
                .doesNotContainKeys("client_encoding", "default_table_access_method");
        assertThat(entry(script, "table public.customers").settings()).containsEntry("default_table_access_method", "heap");
    }

    @Test
    void shouldKeepTheStatementsOfAMultiActionRuleTogether() throws IOException {
        PgDumpScript script = PgDumpScript.parse(fixture("post-data-15.sql"));

        assertThat(entry(script, "rule public.customer_names r2").statements()).singleElement().asString()
                .startsWith("CREATE RULE r2").endsWith(");");
        assertThat(script.entries()).extracting(PgDumpScript.Entry::type)
                .contains("CONSTRAINT", "INDEX", "INDEX ATTACH", "FK CONSTRAINT", "TRIGGER", "POLICY", "ROW SECURITY",
                        "MATERIALIZED VIEW DATA", "STATISTICS");
    }

    @Test
    void shouldRunEachStatementWithItsSettingsForTheTransactionOnly() {
        PgDumpScript script = PgDumpScript.parse("SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
                + "SELECT pg_catalog.set_config('search_path', '', false);\n\n--\n-- Name: t; Type: TABLE; Schema: public;"
                + " Owner: -\n--\n\nCREATE TABLE public.t (a text DEFAULT 'it''s');\n");

        assertThat(script.entries()).singleElement().extracting(PgDumpScript.Entry::sql).isEqualTo(
                "SELECT pg_catalog.set_config(name, value, true) FROM (VALUES ('statement_timeout', '0'),"
                        + " ('search_path', '')) AS s (name, value) WHERE pg_catalog.current_setting(name, true) IS NOT NULL;\n"
                        + "CREATE TABLE public.t (a text DEFAULT 'it''s');");
    }

    @Test
    void shouldNotEndAStatementInsideQuotesCommentsOrAtomicBodies() {
        String body = "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END;"
                + " SELECT E'\\';' /* a; /* nested; */ b; */, \"x;\"\"y\", $1; END;";
        PgDumpScript script = PgDumpScript.parse("--\n-- Name: p(); Type: PROCEDURE; Schema: public; Owner: -\n--\n"
                + body + "\nCOMMENT ON PROCEDURE p() IS $q$;$q$;\n");

        assertThat(script.entries()).singleElement().extracting(PgDumpScript.Entry::statements)
                .isEqualTo(List.of(body, "COMMENT ON PROCEDURE p() IS $q$;$q$;"));
    }

    @Test
    void shouldRefuseWhatItCannotRunFaithfully() {
        assertThatThrownBy(() -> PgDumpScript.parse("CREATE TABLE t (a int);\n"))
                .isInstanceOf(EngineException.class).hasMessageContaining("a statement before the first object");
        assertThatThrownBy(() -> PgDumpScript.parse("\\connect other\n"))
                .isInstanceOf(EngineException.class).hasMessageContaining("a psql command walferry cannot run: \\connect");
        assertThatThrownBy(() -> PgDumpScript.parse("--\n-- Name: t; Type: TABLE; Schema: public; Owner: -\n"
                + "CREATE TABLE t (a text DEFAULT 'x);\n"))
                .isInstanceOf(EngineException.class).hasMessageContaining("a quoted string that does not end");
    }

    private static PgDumpScript.Entry entry(PgDumpScript script, String description) {
        return script.entries().stream().filter(entry -> entry.describe().equals(description)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + description));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = PgDumpScriptTest.class.getResourceAsStream("/pgdump/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
