package io.walferry.benchmarks;

import io.walferry.decoder.PgOutputDecoder;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoder throughput in pgoutput messages per second, on prepared replication streams.
 *
 * <p>One invocation decodes a whole stream (every transaction after the Relation prologue, which
 * setup decodes once), and {@link OperationsPerInvocation} is the stream's message count, so the
 * throughput score is messages per second and {@code gc.alloc.rate.norm} under {@code -prof gc} is
 * bytes per message. Two consumers per workload:
 * <ul>
 *   <li>{@code *Decode}: {@link StreamDecoding#decodeAll}, the decoder plus the least any consumer
 *       reads (xid, LSNs, relation, every value's length);</li>
 *   <li>{@code *Consume}: {@link RowRoutingConsumer}, a typical reader thread: per column kind,
 *       offset and length, key hashing for lane routing, and a copy of the row image.</li>
 * </ul>
 * Workloads: {@link PgbenchWorkload} in text and binary, {@link WideRowWorkload},
 * {@link LargeValueWorkload}. Each state checks at setup that its stream holds exactly the message
 * count its benchmarks declare.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Agrona 2.x needs jdk.internal.misc; prepended so that a command-line -jvmArgsAppend keeps it.
@Fork(value = 1, jvmArgsPrepend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DecoderBenchmark {
    /** pgoutput version a PostgreSQL 16+ server is asked for; transactions look the same in 1 to 4. */
    public static final int PROTOCOL_VERSION = 4;

    /** A decoder primed with the stream's relations, and a consumer, for one benchmark thread. */
    public abstract static class Fixture {
        PgOutputDecoder decoder;
        PgOutputStream stream;
        RowRoutingConsumer consumer;

        final void prepare(PgOutputStream prepared, int declaredMessages) {
            if (prepared.changeMessageCount() != declaredMessages) {
                throw new IllegalStateException(prepared + " has " + prepared.changeMessageCount()
                        + " transaction messages (expected: " + declaredMessages + ", the @OperationsPerInvocation)");
            }
            stream = prepared;
            decoder = new PgOutputDecoder(PROTOCOL_VERSION);
            StreamDecoding.decodePrologue(decoder, stream);
            consumer = new RowRoutingConsumer();
        }
    }

    /** pgbench TPC-B, text format. */
    @State(Scope.Thread)
    public static class OltpText extends Fixture {
        @Setup(Level.Trial)
        public void setUp() {
            prepare(PgbenchWorkload.build(PgbenchWorkload.Format.TEXT), PgbenchWorkload.MESSAGES);
        }
    }

    /** pgbench TPC-B, binary format. */
    @State(Scope.Thread)
    public static class OltpBinary extends Fixture {
        @Setup(Level.Trial)
        public void setUp() {
            prepare(PgbenchWorkload.build(PgbenchWorkload.Format.BINARY), PgbenchWorkload.MESSAGES);
        }
    }

    /** 40-column rows, text format. */
    @State(Scope.Thread)
    public static class WideText extends Fixture {
        @Setup(Level.Trial)
        public void setUp() {
            prepare(WideRowWorkload.build(), WideRowWorkload.MESSAGES);
        }
    }

    /** Rows with a 2 KB and a 64 KB value, text format. */
    @State(Scope.Thread)
    public static class LargeValues extends Fixture {
        @Setup(Level.Trial)
        public void setUp() {
            prepare(LargeValueWorkload.build(), LargeValueWorkload.MESSAGES);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long oltpTextDecode(OltpText fixture) {
        return StreamDecoding.decodeAll(fixture.decoder, fixture.stream);
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long oltpTextConsume(OltpText fixture) {
        return fixture.consumer.consumeAll(fixture.decoder, fixture.stream);
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long oltpBinaryDecode(OltpBinary fixture) {
        return StreamDecoding.decodeAll(fixture.decoder, fixture.stream);
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long oltpBinaryConsume(OltpBinary fixture) {
        return fixture.consumer.consumeAll(fixture.decoder, fixture.stream);
    }

    @Benchmark
    @OperationsPerInvocation(WideRowWorkload.MESSAGES)
    public long wideTextDecode(WideText fixture) {
        return StreamDecoding.decodeAll(fixture.decoder, fixture.stream);
    }

    @Benchmark
    @OperationsPerInvocation(WideRowWorkload.MESSAGES)
    public long wideTextConsume(WideText fixture) {
        return fixture.consumer.consumeAll(fixture.decoder, fixture.stream);
    }

    @Benchmark
    @OperationsPerInvocation(LargeValueWorkload.MESSAGES)
    public long largeValuesDecode(LargeValues fixture) {
        return StreamDecoding.decodeAll(fixture.decoder, fixture.stream);
    }

    @Benchmark
    @OperationsPerInvocation(LargeValueWorkload.MESSAGES)
    public long largeValuesConsume(LargeValues fixture) {
        return fixture.consumer.consumeAll(fixture.decoder, fixture.stream);
    }
}
