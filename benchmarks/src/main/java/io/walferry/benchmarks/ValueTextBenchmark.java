package io.walferry.benchmarks;

import io.walferry.decoder.InsertMessage;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import io.walferry.decoder.display.ExactBinaryTypes;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transactional applier's per-value cost of turning a decoded value into the text it binds
 * ({@code ChangeBatch.add}): {@code TupleData.text} for a text stream, {@code ExactBinaryTypes.appendText}
 * and a String for a binary one. Same pgbench TPC-B values in both formats; the score is messages
 * per second, decode included.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ValueTextBenchmark {

    /** A pgbench stream in one format, and a decoder primed with its relations. */
    public abstract static class Fixture {
        PgOutputDecoder decoder;
        PgOutputStream stream;
        final StringBuilder scratch = new StringBuilder(64);

        final void prepare(PgbenchWorkload.Format format) {
            stream = PgbenchWorkload.build(format);
            decoder = new PgOutputDecoder(DecoderBenchmark.PROTOCOL_VERSION);
            StreamDecoding.decodePrologue(decoder, stream);
        }
    }

    @State(Scope.Thread)
    public static class Text extends Fixture {
        @Setup(Level.Trial)
        public void setUp() {
            prepare(PgbenchWorkload.Format.TEXT);
        }
    }

    @State(Scope.Thread)
    public static class Binary extends Fixture {
        @Setup(Level.Trial)
        public void setUp() {
            prepare(PgbenchWorkload.Format.BINARY);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long oltpTextValues(Text fixture) {
        return bindAll(fixture);
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long oltpBinaryValues(Binary fixture) {
        return bindAll(fixture);
    }

    private static long bindAll(Fixture fixture) {
        PgOutputDecoder decoder = fixture.decoder;
        PgOutputStream stream = fixture.stream;
        DirectBuffer buffer = stream.buffer();
        long checksum = 0;
        for (int i = stream.prologueCount(), count = stream.messageCount(); i < count; i++) {
            MessageType type = decoder.wrap(buffer, stream.offset(i), stream.length(i));
            if (type == MessageType.INSERT) {
                InsertMessage insert = decoder.insert();
                checksum += values(insert.relation(), insert.newTuple(), fixture.scratch);
            } else if (type == MessageType.UPDATE) {
                UpdateMessage update = decoder.update();
                checksum += values(update.relation(), update.newTuple(), fixture.scratch);
            }
        }
        return checksum;
    }

    private static long values(RelationInfo relation, TupleData tuple, StringBuilder scratch) {
        long checksum = 0;
        for (int c = 0; c < tuple.columnCount(); c++) {
            byte kind = tuple.kind(c);
            String value;
            if (kind == TupleData.TEXT) {
                value = tuple.text(c);
            } else if (kind == TupleData.BINARY) {
                scratch.setLength(0);
                if (!ExactBinaryTypes.appendText(tuple.buffer(), tuple.valueOffset(c), tuple.valueLength(c),
                        relation.column(c).typeOid(), scratch)) {
                    throw new IllegalStateException("column " + relation.column(c).name() + " not convertible");
                }
                value = scratch.toString();
            } else {
                continue;
            }
            checksum += value.length();
        }
        return checksum;
    }
}
