package io.walferry.applier.batch;

import io.walferry.applier.sql.RelationSql;
import io.walferry.applier.sql.SetStatements;
import io.walferry.applier.sql.TargetColumn;
import io.walferry.applier.sql.TargetTable;
import io.walferry.benchmarks.DecoderBenchmark;
import io.walferry.benchmarks.PgOutputStream;
import io.walferry.benchmarks.PgbenchWorkload;
import io.walferry.benchmarks.StreamDecoding;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.RelationInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The batched applier's work on the applier thread per message, without a database: decode, log the
 * message for the exact path, read the values as text, route the change to its lane by table and
 * key, and coalesce it into the batch ({@link Coalescer}, {@link Cycle}); a new batch every 20,000
 * changes, as by default. The stream is pgbench TPC-B (an UPDATE of a random account, of a teller,
 * of a branch, an INSERT into the keyless history, per transaction), text or binary values; the
 * score is messages per second (BEGIN and COMMIT included), {@code -prof gc} gives B/op.
 *
 * <p>In package {@code io.walferry.applier.batch} to reach the package-private classes it measures.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class BatchCoalescingBenchmark {
    private static final int BATCH_CHANGES = 20_000;

    @State(Scope.Thread)
    public static class Fixture {
        @Param({"TEXT", "BINARY"})
        public PgbenchWorkload.Format format;

        @Param({"4"})
        public int lanes;

        PgOutputStream stream;
        PgOutputDecoder decoder;
        final Int2ObjectHashMap<SetStatements> statements = new Int2ObjectHashMap<>();

        @Setup(Level.Trial)
        public void setUp() {
            stream = PgbenchWorkload.build(format);
            decoder = new PgOutputDecoder(DecoderBenchmark.PROTOCOL_VERSION);
            StreamDecoding.decodePrologue(decoder, stream);
            for (int i = 0; i < stream.prologueCount(); i++) {
                if (decoder.wrap(stream.buffer(), stream.offset(i), stream.length(i)) == MessageType.RELATION) {
                    RelationInfo relation = decoder.relation().relation();
                    statements.put(relation.relationId(), RelationSql.build(relation, targetOf(relation)).setStatements());
                }
            }
        }

        /** The target table a pgbench relation is written into: same columns, its key as primary key. */
        private static TargetTable targetOf(RelationInfo relation) {
            List<TargetColumn> columns = new ArrayList<>();
            for (int i = 0; i < relation.columnCount(); i++) {
                columns.add(new TargetColumn(relation.column(i).name(), "text", false, false, relation.column(i).key()));
            }
            return new TargetTable(relation.namespace(), relation.name(), 'r', columns);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PgbenchWorkload.MESSAGES)
    public long routeAndCoalesce(Fixture fixture) {
        PgOutputDecoder decoder = fixture.decoder;
        PgOutputStream stream = fixture.stream;
        DirectBuffer buffer = stream.buffer();
        Coalescer coalescer = new Coalescer(fixture.lanes, null);
        Cycle cycle = new Cycle(fixture.lanes);
        long commitLsn = 0;
        long changes = 0;
        for (int i = stream.prologueCount(), count = stream.messageCount(); i < count; i++) {
            int offset = stream.offset(i);
            int length = stream.length(i);
            MessageType type = decoder.wrap(buffer, offset, length);
            switch (type) {
                case BEGIN -> {
                    commitLsn = decoder.begin().finalLsn();
                    cycle.log(buffer, offset, length);
                }
                case COMMIT -> {
                    cycle.log(buffer, offset, length);
                    cycle.committed(decoder.commit().endLsn(), decoder.commit().commitLsn(), 0,
                            decoder.commit().commitTimeMicros());
                    if (cycle.changes() >= BATCH_CHANGES) {
                        changes += cycle.changes();
                        cycle = new Cycle(fixture.lanes);
                    }
                }
                case INSERT -> {
                    RelationInfo relation = decoder.insert().relation();
                    int index = cycle.log(buffer, offset, length);
                    cycle.counted(relation.qualifiedName(), io.walferry.engine.metrics.ChangeOp.INSERT);
                    coalescer.insert(cycle, decoder.insert(), relation, fixture.statements.get(relation.relationId()),
                            index, commitLsn);
                }
                case UPDATE -> {
                    RelationInfo relation = decoder.update().relation();
                    int index = cycle.log(buffer, offset, length);
                    cycle.counted(relation.qualifiedName(), io.walferry.engine.metrics.ChangeOp.UPDATE);
                    coalescer.update(cycle, decoder.update(), relation, fixture.statements.get(relation.relationId()),
                            index, commitLsn);
                }
                default -> {
                    // RELATION and TYPE were decoded in the prologue.
                }
            }
        }
        if (cycle.exact()) {
            throw new IllegalStateException("the pgbench stream made a batch exact: " + cycle.exactReason());
        }
        return changes + cycle.changes();
    }
}
