package io.walferry.applier.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

class TextArraysTest {

    @Test
    void shouldWriteOneColumnInPostgresBinaryArrayFormat() throws Exception {
        List<String[]> rows = List.of(new String[] {"1", "ünï \"q\" \\"}, new String[] {"2", null}, new String[] {"3", ""});

        TextArrays.Parameter parameter = (TextArrays.Parameter) new TextArrays(true).column(rows, 1);

        byte[] bytes = new byte[parameter.lengthInBytes() + 3];
        parameter.toBytes(bytes, 3);
        ByteBuffer read = ByteBuffer.wrap(bytes, 3, parameter.lengthInBytes());
        assertThat(read.getInt()).as("dimensions").isEqualTo(1);
        assertThat(read.getInt()).as("has nulls").isEqualTo(1);
        assertThat(read.getInt()).as("element type: text").isEqualTo(25);
        assertThat(read.getInt()).as("elements").isEqualTo(3);
        assertThat(read.getInt()).as("lower bound").isEqualTo(1);
        byte[] first = "ünï \"q\" \\".getBytes(StandardCharsets.UTF_8);
        assertThat(read.getInt()).isEqualTo(first.length);
        byte[] value = new byte[first.length];
        read.get(value);
        assertThat(value).isEqualTo(first);
        assertThat(read.getInt()).as("NULL").isEqualTo(-1);
        assertThat(read.getInt()).as("empty string").isZero();
        assertThat(read.hasRemaining()).isFalse();
        assertThat(parameter.getType()).isEqualTo("_text");
    }

    @Test
    void shouldSpellTheSameArrayAsATextLiteralWhenBinaryTransferIsOff() throws Exception {
        List<String[]> rows = List.of(new String[] {"a,b"}, new String[] {null}, new String[] {"say \"hi\" \\o/"},
                new String[] {"NULL"});

        String literal = "{\"a,b\",NULL,\"say \\\"hi\\\" \\\\o/\",\"NULL\"}";
        assertThat(new TextArrays(true).column(rows, 0).getValue()).isEqualTo(literal);
        PGobject simple = new TextArrays(false).column(rows, 0);
        assertThat(simple).as("simple query mode: a text parameter").isNotInstanceOf(PGBinaryObject.class);
        assertThat(simple.getType()).isEqualTo("_text");
        assertThat(simple.getValue()).isEqualTo(literal);
    }

    @Test
    void shouldGrowItsBufferAndReuseIt() throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(new String[] {"x".repeat(10)});
        }
        TextArrays arrays = new TextArrays(true);

        assertThat(((TextArrays.Parameter) arrays.column(rows, 0)).lengthInBytes()).isEqualTo(20 + 20_000 * 14);
        assertThat(((TextArrays.Parameter) arrays.column(rows.subList(0, 1), 0)).lengthInBytes()).isEqualTo(20 + 14);
    }
}
