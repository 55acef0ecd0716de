package io.walferry.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {
    @Test
    void shouldPrintLikePostgres() {
        assertThat(Lsn.format(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(Lsn.format(0xFFFF_FFFF_FFFF_FFFFL)).isEqualTo("FFFFFFFF/FFFFFFFF");
        assertThat(Lsn.appendTo(new StringBuilder(), 0x1_0000_0000L).toString()).isEqualTo("1/0");
    }

    @Test
    void shouldParseWhatItPrints() {
        assertThat(Lsn.parse("0/16B3748")).isEqualTo(0x16B3748L);
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF")).isEqualTo(-1L);
    }

    @Test
    void shouldCompareUnsigned() {
        assertThat(Lsn.compare(-1L, 1L)).isPositive();
        assertThat(Lsn.max(-1L, 1L)).isEqualTo(-1L);
        assertThat(Lsn.min(-1L, 1L)).isEqualTo(1L);
    }

    @Test
    void shouldRejectWhatIsNotAnLsn() {
        assertThatThrownBy(() -> Lsn.parse("16B3748"))
                .hasMessage("LSN: 16B3748 (expected: two hexadecimal numbers of up to 8 digits, X/Y)");
    }
}
