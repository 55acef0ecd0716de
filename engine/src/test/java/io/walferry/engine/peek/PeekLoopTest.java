package io.walferry.engine.peek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.PeekResult.StopReason;
import io.walferry.engine.stream.StopSignal;
import io.walferry.engine.stream.WalStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeekLoopTest {
    private final FakeStream stream = new FakeStream();
    private final StopSignal stop = new StopSignal();
    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text);

    private PeekResult run(long limit) throws Exception {
        return new PeekLoop(stream, new PgOutputDecoder(4), new MessageJsonWriter(out), out, limit, stop).run();
    }

    private static PgOutputBytes begin(int xid) {
        return PgOutputBytes.message('B').int64(0x100).int64(0).int32(xid);
    }

    private static PgOutputBytes commit() {
        return PgOutputBytes.message('C').int8(0).int64(0x100).int64(0x110).int64(0);
    }

    @Test
    void shouldStopAfterLimitMessagesAndConfirmEachOne() throws Exception {
        stream.add(0x10, begin(1));
        stream.add(0x20, commit());
        stream.add(0x30, begin(2));

        PeekResult result = run(2);

        assertThat(result).isEqualTo(new PeekResult(2, 0x20, StopReason.LIMIT_REACHED));
        assertThat(text.toString().lines()).hasSize(2);
        assertThat(stream.confirmed).containsExactly(0x10L, 0x20L);
        assertThat(stream.pending).hasSize(1);
    }

    @Test
    void shouldKeepReadingThroughIdlePeriodsUntilStopped() throws Exception {
        stream.add(0x10, begin(1));
        stream.idle();
        stream.add(0x20, commit());
        stream.onEmpty = stop::request;

        PeekResult result = run(0);

        assertThat(result).isEqualTo(new PeekResult(2, 0x20, StopReason.STOP_REQUESTED));
        assertThat(text.toString()).startsWith("{\"lsn\":\"0/10\",\"xid\":1,\"op\":\"begin\"");
    }

    @Test
    void shouldFailWithTheLsnAndNotConfirmAMessageThatCannotBeDecoded() throws Exception {
        stream.add(0x10, begin(1));
        stream.add(0x1234, PgOutputBytes.message('I').int32(99).int8('N').int16(0));

        assertThatThrownBy(() -> run(0))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.failure()).isEqualTo(Failure.PROTOCOL))
                .hasMessageContaining("LSN 0/1234")
                .hasMessageContaining("relation OID 99");
        assertThat(stream.confirmed).containsExactly(0x10L);
        assertThat(text.toString().lines()).hasSize(1);
    }

    @Test
    void shouldStopWhenTheOutputIsClosed() throws Exception {
        PrintWriter broken = new PrintWriter(new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        });
        stream.add(0x10, begin(1));
        stream.idle();
        stream.onEmpty = () -> {
            throw new AssertionError("should have stopped on the closed output");
        };

        PeekResult result = new PeekLoop(stream, new PgOutputDecoder(4), new MessageJsonWriter(broken), broken, 0, stop).run();

        assertThat(result.reason()).isEqualTo(StopReason.OUTPUT_CLOSED);
    }

    @Test
    void shouldFailWhenTheServerEndsTheStream() {
        stream.add(0x10, begin(1));
        stream.closeWhenEmpty = true;

        assertThatThrownBy(() -> run(0))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.failure()).isEqualTo(Failure.PROTOCOL))
                .hasMessageContaining("ended the replication stream after 1 messages");
    }

    /** A scripted stream: messages with their LSNs, and idle polls (null) in between. */
    private static final class FakeStream implements WalStream {
        final Deque<Object[]> pending = new ArrayDeque<>();
        final List<Long> confirmed = new ArrayList<>();
        Runnable onEmpty = () -> {
        };
        boolean closeWhenEmpty;
        long lastLsn;

        void add(long lsn, PgOutputBytes message) {
            byte[] bytes = message.toArray();
            // Like pgjdbc: a slice of a larger buffer whose position is not 0.
            ByteBuffer frame = ByteBuffer.allocate(bytes.length + 25);
            frame.position(25);
            frame.put(bytes);
            frame.position(25);
            pending.add(new Object[] {lsn, frame.slice()});
        }

        void idle() {
            pending.add(new Object[] {null, null});
        }

        @Override
        public ByteBuffer readPending() {
            Object[] next = pending.poll();
            if (next == null) {
                onEmpty.run();
                return null;
            }
            if (next[0] == null) {
                return null;
            }
            lastLsn = (Long) next[0];
            return (ByteBuffer) next[1];
        }

        @Override
        public long lastReceiveLsn() {
            return lastLsn;
        }

        @Override
        public void confirm(long lsn) {
            confirmed.add(lsn);
        }

        @Override
        public boolean isClosed() {
            return closeWhenEmpty && pending.isEmpty();
        }

        @Override
        public void close() {
        }
    }
}
