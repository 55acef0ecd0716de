package io.walferry.decoder.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ExactBinaryTypesTest {
    private static final int INT4_ARRAY = 1007;
    private static final int TIMETZ = 1266;
    private static final int CHAR = 18;
    private static final int XML = 142;

    @Test
    void shouldCoverBuiltInScalarsAndTheirArraysOnly() {
        assertThat(ExactBinaryTypes.covers(BuiltinTypes.NUMERIC)).isTrue();
        assertThat(ExactBinaryTypes.covers(BuiltinTypes.TIMESTAMPTZ)).isTrue();
        assertThat(ExactBinaryTypes.covers(INT4_ARRAY)).isTrue();
        assertThat(ExactBinaryTypes.covers(TIMETZ)).isFalse();
        assertThat(ExactBinaryTypes.covers(CHAR)).isFalse();
        assertThat(ExactBinaryTypes.covers(XML)).isFalse();
        assertThat(ExactBinaryTypes.covers(16_385)).isFalse();
    }

    @Test
    void shouldRefuseAnArrayWhoseElementTypeIsNotTheColumnsElementType() {
        ByteBuffer array = ByteBuffer.allocate(12 + 8 + 8)
                .putInt(1).putInt(0).putInt(BuiltinTypes.INT8).putInt(1).putInt(1).putInt(4).putInt(7);
        StringBuilder out = new StringBuilder();

        assertThat(ExactBinaryTypes.appendText(new UnsafeBuffer(array.array()), 0, 28, INT4_ARRAY, out)).isFalse();
        assertThat(out).isEmpty();

        array.putInt(8, BuiltinTypes.INT4);
        assertThat(ExactBinaryTypes.appendText(new UnsafeBuffer(array.array()), 0, 28, INT4_ARRAY, out)).isTrue();
        assertThat(out).hasToString("{7}");
    }

    @Test
    void shouldWriteIpv6AsPostgresDoes() {
        assertThat(inet6(128, 0, 0, 0, 0, 0, 0, 0, 1)).isEqualTo("::1");
        assertThat(inet6(128, 0, 0, 0, 0, 0, 0, 0, 0)).isEqualTo("::");
        assertThat(inet6(32, 0x2001, 0xdb8, 0, 0, 0, 0, 0, 0)).isEqualTo("2001:db8::/32");
        assertThat(inet6(128, 0x2001, 0xdb8, 0, 1, 0, 0, 0, 1)).isEqualTo("2001:db8:0:1::1");
        assertThat(inet6(128, 1, 0, 2, 3, 4, 5, 6, 7)).isEqualTo("1:0:2:3:4:5:6:7");
        assertThat(inet6(128, 0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304)).isEqualTo("::ffff:1.2.3.4");
        assertThat(inet6(128, 0, 0, 0, 0, 0, 0, 0x0102, 0x0304)).isEqualTo("::1.2.3.4");
        assertThat(inet6(64, 0xfe80, 0, 0, 0, 0x1ff, 0xfe23, 0x4567, 0x890a))
                .isEqualTo("fe80::1ff:fe23:4567:890a/64");
    }

    @Test
    void shouldWriteDatesBeforeChristAsPostgresDoes() {
        // 0001-01-01 (AD) is day -730119 counted from 2000-01-01; the day before is 0001-12-31 BC.
        byte[] date = ByteBuffer.allocate(4).putInt(-730_120).array();
        StringBuilder out = new StringBuilder();
        assertThat(ExactBinaryTypes.appendText(new UnsafeBuffer(date), 0, 4, BuiltinTypes.DATE, out)).isTrue();
        assertThat(out).hasToString("0001-12-31 BC");
    }

    private static String inet6(int bits, int... words) {
        ByteBuffer value = ByteBuffer.allocate(20).put((byte) 3).put((byte) bits).put((byte) 0).put((byte) 16);
        for (int word : words) {
            value.putShort((short) word);
        }
        StringBuilder out = new StringBuilder();
        assertThat(ExactBinaryTypes.appendText(new UnsafeBuffer(value.array()), 0, 20, BuiltinTypes.INET, out)).isTrue();
        return out.toString();
    }
}
