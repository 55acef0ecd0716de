package io.walferry.benchmarks;

import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.metrics.DecodedChanges;
import io.walferry.engine.metrics.PipelineMetrics;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting decoded changes per table and operation ({@link DecodedChanges}, on the reader
 * thread) adds to decoding: the pgbench stream decoded message by message as the reader does
 * ({@code decode}), and the same with every row change counted into a Prometheus registry
 * ({@code decodeAndCount}). pgbench changes four tables in turn, so the one-table shortcut never
 * applies and every change looks its table's counters up: the dearest case. Scores are messages per
 * second; {@code gc.alloc.rate.norm} under {@code -prof gc} is bytes per message.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ChangeCountingBenchmark {

    /** The pgbench stream in text, a primed decoder, and the counters. */
    @State(Scope.Thread)
    public static class Stream {
        PgOutputDecoder decoder;
        PgOutputStream stream;
        PipelineMetrics metrics;
        DecodedChanges counting;

        @Setup(Level.Trial)
        public void setUp() {
            stream = PgbenchWorkload.build(PgbenchWorkload.Format.TEXT);
            decoder = new PgOutputDecoder(DecoderBenchmark.PROTOCOL_VERSION);
            StreamDecoding.decodePrologue(decoder, stream);
            metrics = PipelineMetrics.published("bench");
            counting = new DecodedChanges(metrics);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            metrics.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long decode(Stream state) {
        DirectBuffer buffer = state.stream.buffer();
        long checksum = 0;
        for (int i = state.stream.prologueCount(), count = state.stream.messageCount(); i < count; i++) {
            checksum += state.decoder.wrap(buffer, state.stream.offset(i), state.stream.length(i)).ordinal();
        }
        return checksum;
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long decodeAndCount(Stream state) {
        DirectBuffer buffer = state.stream.buffer();
        long checksum = 0;
        for (int i = state.stream.prologueCount(), count = state.stream.messageCount(); i < count; i++) {
            MessageType type = state.decoder.wrap(buffer, state.stream.offset(i), state.stream.length(i));
            state.counting.count(state.decoder, type);
            checksum += type.ordinal();
        }
        return checksum;
    }
}
