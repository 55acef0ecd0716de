package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class StreamEventTest {
    private static UnsafeBuffer bytes(int length) {
        byte[] content = new byte[length];
        for (int i = 0; i < length; i++) {
            content[i] = (byte) i;
        }
        return new UnsafeBuffer(content);
    }

    @Test
    void shouldGrowForALargeMessageAndShrinkBackForTheNextSmallOne() {
        StreamEvent event = new StreamEvent(64);

        event.setMessage(bytes(1000), 0, 1000, 0x10);
        assertThat(event.capacity()).isGreaterThanOrEqualTo(1000);
        assertThat(event.length()).isEqualTo(1000);
        assertThat(event.buffer().getByte(999)).isEqualTo((byte) 999);

        event.setMessage(bytes(10), 0, 10, 0x20);
        assertThat(event.capacity()).isEqualTo(64);
        assertThat(event.lsn()).isEqualTo(0x20);
    }

    @Test
    void shouldKeepItsBufferForMessagesThatFit() {
        StreamEvent event = new StreamEvent(64);
        event.setMessage(bytes(64), 0, 64, 0x10);

        assertThat(event.capacity()).isEqualTo(64);
        assertThat(event.kind()).isEqualTo(StreamEvent.MESSAGE);
        assertThat(event.typeByte()).isEqualTo((byte) 0);
    }

    @Test
    void shouldCarryControlEvents() {
        StreamEvent event = new StreamEvent(64);
        event.setOpen(3, 4);

        assertThat(event.kind()).isEqualTo(StreamEvent.OPEN);
        assertThat(event.session()).isEqualTo(3);
        assertThat(event.protocolVersion()).isEqualTo(4);
        assertThat(event.typeByte()).isZero();
    }
}
