package io.walferry.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PgOutputDecoderTest {
    private final PgOutputDecoder decoder = new PgOutputDecoder(4);

    private MessageType decode(MessageBytes message) {
        UnsafeBuffer buffer = message.buffer();
        return decoder.wrap(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldDecodeAnInsertThroughTheRelationCache() {
        decode(MessageBytes.ordersRelation());
        MessageType type = decode(MessageBytes.of('I').int32(16384).int8('N').int16(2).text("42").int8('n'));

        assertThat(type).isEqualTo(MessageType.INSERT);
        InsertMessage insert = decoder.insert();
        assertThat(insert.relation().qualifiedName()).isEqualTo("public.orders");
        assertThat(insert.newTuple().text(0)).isEqualTo("42");
        assertThat(insert.newTuple().isNull(1)).isTrue();
        assertThat(insert.xid()).isZero();
    }

    @Test
    void shouldDecodeAMessageAtANonZeroOffsetWithoutReadingOutsideIt() {
        decode(MessageBytes.ordersRelation());
        byte[] message = MessageBytes.of('I').int32(16384).int8('N').int16(2).text("7").int8('u').bytes();
        byte[] padded = new byte[message.length + 20];
        java.util.Arrays.fill(padded, (byte) 'x');
        System.arraycopy(message, 0, padded, 10, message.length);

        decoder.wrap(new UnsafeBuffer(padded), 10, message.length);

        assertThat(decoder.insert().newTuple().text(0)).isEqualTo("7");
        assertThat(decoder.insert().newTuple().isUnchangedToast(1)).isTrue();
        assertThat(decoder.insert().offset()).isEqualTo(10);
    }

    @Test
    void shouldNameTheKindOffsetAndFieldOfATruncatedMessage() {
        assertThatThrownBy(() -> decode(MessageBytes.of('B').int64(1).int16(0)))
                .isInstanceOf(DecodeException.class)
                .hasMessage("BEGIN message at offset 9: truncated (expected: Int64 commit timestamp, 8 bytes; 2 left)");
    }

    @Test
    void shouldRejectAnUnknownMessageType() {
        assertThatThrownBy(() -> decode(MessageBytes.of('Z')))
                .isInstanceOf(DecodeException.class)
                .hasMessage("pgoutput message at offset 0: unknown message type 'Z' (0x5a) (expected: one of B C O R Y I U D T M S E c A b P K r p)");
    }

    @Test
    void shouldRejectARowForARelationNeverDescribed() {
        assertThatThrownBy(() -> decode(MessageBytes.of('I').int32(99).int8('N').int16(0)))
                .isInstanceOf(DecodeException.class)
                .hasMessage("INSERT message at offset 5: relation OID 99 has not been described"
                        + " (expected: a RELATION message for it earlier in the stream)");
    }

    @Test
    void shouldRejectAnUnknownColumnKindNamingTheColumn() {
        decode(MessageBytes.ordersRelation());
        assertThatThrownBy(() -> decode(MessageBytes.of('I').int32(16384).int8('N').int16(2).text("1").int8('x')))
                .isInstanceOf(DecodeException.class)
                .hasMessage("INSERT message at offset 14: column 2 (note) of public.orders: unknown column kind byte 0x78"
                        + " (expected: n, u, t or b)");
    }

    @Test
    void shouldRejectATupleWhoseColumnCountDiffersFromItsRelation() {
        decode(MessageBytes.ordersRelation());
        assertThatThrownBy(() -> decode(MessageBytes.of('I').int32(16384).int8('N').int16(3)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("tuple has 3 columns but relation public.orders (OID 16384) has 2");
    }

    @Test
    void shouldRejectTrailingBytes() {
        assertThatThrownBy(() -> decode(MessageBytes.of('C').int8(0).int64(1).int64(2).int64(3).int8(9)))
                .isInstanceOf(DecodeException.class)
                .hasMessage("COMMIT message at offset 26: unexpected 1 trailing bytes (expected: end of message)");
    }

    @Test
    void shouldRejectMessagesNewerThanTheNegotiatedProtocol() {
        PgOutputDecoder v1 = new PgOutputDecoder(1);
        UnsafeBuffer streamStart = MessageBytes.of('S').int32(7).int8(1).buffer();
        assertThatThrownBy(() -> v1.wrap(streamStart, 0, streamStart.capacity()))
                .isInstanceOf(DecodeException.class)
                .hasMessage("STREAM START message at offset 0: sent under proto_version 1 (expected: only with proto_version 2 or later)");
    }

    @Test
    void shouldReadTheXidOfRowsOnlyInsideAStreamedBlock() {
        decode(MessageBytes.ordersRelation());
        decode(MessageBytes.of('S').int32(900).int8(1));
        assertThat(decoder.state()).isEqualTo(PgOutputDecoder.State.IN_STREAM_BLOCK);

        decode(MessageBytes.of('I').int32(901).int32(16384).int8('N').int16(2).text("1").int8('n'));
        assertThat(decoder.insert().xid()).isEqualTo(901);

        decode(MessageBytes.of('E'));
        assertThat(decoder.state()).isEqualTo(PgOutputDecoder.State.NORMAL);
        assertThatThrownBy(() -> decode(MessageBytes.of('E')))
                .hasMessageContaining("arrived outside a streamed block");
    }

    @Test
    void shouldTellAProtocol4StreamAbortFromAProtocol2OneByItsLength() {
        decode(MessageBytes.of('A').int32(5).int32(6));
        assertThat(decoder.streamAbort().hasAbortInfo()).isFalse();
        assertThat(decoder.streamAbort().topLevel()).isFalse();

        decode(MessageBytes.of('A').int32(5).int32(5).int64(0x1_0000_0010L).int64(77));
        assertThat(decoder.streamAbort().hasAbortInfo()).isTrue();
        assertThat(Lsn.format(decoder.streamAbort().abortLsn())).isEqualTo("1/10");
        assertThat(decoder.streamAbort().abortTimeMicros()).isEqualTo(77);

        assertThatThrownBy(() -> decode(MessageBytes.of('A').int32(5).int32(5).int32(1)))
                .hasMessage("STREAM ABORT message at offset 9: truncated (expected: Int64 abort LSN, 8 bytes; 4 left)");
    }

    @Test
    void shouldReadUpdateOldKeyAndTruncateOptions() {
        decode(MessageBytes.ordersRelation());
        decode(MessageBytes.of('U').int32(16384).int8('K').int16(2).text("1").int8('n').int8('N').int16(2).text("2").text("x"));
        assertThat(decoder.update().oldTupleKind()).isEqualTo(UpdateMessage.OLD_KEY);
        assertThat(decoder.update().oldTuple().text(0)).isEqualTo("1");
        assertThat(decoder.update().newTuple().text(1)).isEqualTo("x");

        decode(MessageBytes.of('T').int32(1).int8(3).int32(16384));
        assertThat(decoder.truncate().cascade()).isTrue();
        assertThat(decoder.truncate().restartIdentity()).isTrue();
        assertThat(decoder.truncate().relation(0).name()).isEqualTo("orders");
    }
}
