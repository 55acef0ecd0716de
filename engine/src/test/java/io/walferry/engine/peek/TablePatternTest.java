package io.walferry.engine.peek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.engine.EngineException;
import org.junit.jupiter.api.Test;

class TablePatternTest {
    @Test
    void shouldMatchSchemaAndTableGlobs() {
        TablePattern pattern = TablePattern.parse("sales.ord*");
        assertThat(pattern.matches("sales", "orders")).isTrue();
        assertThat(pattern.matches("sales", "ord")).isTrue();
        assertThat(pattern.matches("sales", "xorders")).isFalse();
        assertThat(pattern.matches("public", "orders")).isFalse();
    }

    @Test
    void shouldMeanSchemaPublicWithoutADot() {
        TablePattern pattern = TablePattern.parse("orders");
        assertThat(pattern.matches("public", "orders")).isTrue();
        assertThat(pattern.matches("sales", "orders")).isFalse();
    }

    @Test
    void shouldMatchOneCharacterWithQuestionMark() {
        TablePattern pattern = TablePattern.parse("*.t?");
        assertThat(pattern.matches("a", "t1")).isTrue();
        assertThat(pattern.matches("b", "t12")).isFalse();
        assertThat(pattern.matches("b", "t")).isFalse();
    }

    @Test
    void shouldTreatRegexCharactersLiterally() {
        TablePattern pattern = TablePattern.parse("public.a+b[1]$");
        assertThat(pattern.matches("public", "a+b[1]$")).isTrue();
        assertThat(pattern.matches("public", "aab1")).isFalse();
    }

    @Test
    void shouldBeCaseSensitiveAndSplitAtTheFirstDot() {
        assertThat(TablePattern.parse("public.Orders").matches("public", "orders")).isFalse();
        assertThat(TablePattern.parse("s.t.x").matches("s", "t.x")).isTrue();
    }

    @Test
    void shouldRejectEmptyParts() {
        assertThatThrownBy(() -> TablePattern.parse(".t")).isInstanceOf(EngineException.class).hasMessageContaining("\".t\"");
        assertThatThrownBy(() -> TablePattern.parse("s.")).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> TablePattern.parse("")).isInstanceOf(EngineException.class);
    }
}
