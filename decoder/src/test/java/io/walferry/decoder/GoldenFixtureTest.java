package io.walferry.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.walferry.decoder.fixture.DecodedEvent;
import io.walferry.decoder.fixture.EventRecorder;
import io.walferry.decoder.fixture.Fixture;
import io.walferry.decoder.fixture.Workload;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes the golden fixtures captured from PostgreSQL 14, 17 and 18 (every protocol version, text
 * and binary) and checks each step against the workload's expectations; then cuts every message at
 * every byte boundary and corrupts its bytes, and requires a precise {@link DecodeException}, never
 * an index error or garbage.
 */
class GoldenFixtureTest {

    static Stream<Path> fixtures() throws IOException, URISyntaxException {
        Path directory = Path.of(GoldenFixtureTest.class.getResource("/fixtures").toURI());
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".pgoutput")).sorted().toList().stream();
        }
    }

    @Test
    void shouldHaveFixturesForEveryServerAndProtocolVersion() throws Exception {
        List<String> names = fixtures().map(p -> p.getFileName().toString()).toList();
        assertThat(names).contains(
                "pg14-proto1-text.pgoutput", "pg14-proto2-text.pgoutput", "pg14-proto2-binary.pgoutput",
                "pg17-proto1-text.pgoutput", "pg17-proto2-text.pgoutput", "pg17-proto3-text.pgoutput",
                "pg17-proto4-text.pgoutput", "pg17-proto4-binary.pgoutput",
                "pg18-proto1-text.pgoutput", "pg18-proto2-text.pgoutput", "pg18-proto3-text.pgoutput",
                "pg18-proto4-text.pgoutput", "pg18-proto4-binary.pgoutput");
    }

    @Test
    void shouldCoverEveryMessageKindAndTupleKind() throws Exception {
        java.util.Set<MessageType> seen = java.util.EnumSet.noneOf(MessageType.class);
        java.util.Set<Byte> tupleKinds = new java.util.HashSet<>();
        for (Path file : fixtures().toList()) {
            Fixture fixture = Fixture.read(file);
            PgOutputDecoder decoder = new PgOutputDecoder(fixture.protocolVersion());
            for (Fixture.Step step : fixture.steps()) {
                for (Fixture.Message message : step.messages()) {
                    MessageType type = decoder.wrap(new UnsafeBuffer(message.bytes()), 0, message.bytes().length);
                    seen.add(type);
                    if (type == MessageType.INSERT) {
                        collectKinds(decoder.insert().newTuple(), tupleKinds);
                    } else if (type == MessageType.UPDATE) {
                        collectKinds(decoder.update().newTuple(), tupleKinds);
                    }
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(MessageType.values());
        assertThat(tupleKinds).containsExactlyInAnyOrder(TupleData.NULL, TupleData.UNCHANGED_TOAST, TupleData.TEXT, TupleData.BINARY);
    }

    private static void collectKinds(TupleData tuple, java.util.Set<Byte> kinds) {
        for (int i = 0; i < tuple.columnCount(); i++) {
            kinds.add(tuple.kind(i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldDecodeEveryStepAsTheWorkloadWroteIt(Path file) {
        Fixture fixture = Fixture.read(file);
        EventRecorder recorder = new EventRecorder(fixture.protocolVersion());
        List<Workload.Step> steps = Workload.steps();
        assertThat(fixture.steps()).extracting(Fixture.Step::name).containsExactlyElementsOf(steps.stream().map(Workload.Step::name).toList());
        for (int s = 0; s < steps.size(); s++) {
            Fixture.Step captured = fixture.steps().get(s);
            assertThat(captured.sql()).isEqualTo(steps.get(s).sql());
            List<DecodedEvent> events = new ArrayList<>();
            for (Fixture.Message message : captured.messages()) {
                events.add(recorder.decode(message.lsn(), message.bytes()));
            }
            Workload.check(steps.get(s), fixture.context(), Workload.stepEvents(captured.name(), events));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldRejectEveryTruncationWithAPreciseError(Path file) {
        Fixture fixture = Fixture.read(file);
        EventRecorder recorder = new EventRecorder(fixture.protocolVersion());
        PgOutputDecoder decoder = recorder.decoder();
        for (Fixture.Message message : allMessages(fixture)) {
            byte[] bytes = message.bytes();
            for (int cut = 0; cut < bytes.length; cut++) {
                PgOutputDecoder.State before = decoder.state();
                int relationsBefore = decoder.relations().relationCount();
                UnsafeBuffer prefix = new UnsafeBuffer(java.util.Arrays.copyOf(bytes, cut));
                Throwable thrown = catchThrowable(() -> decoder.wrap(prefix, 0, prefix.capacity()));
                if (thrown == null && isAbortWithoutOptionalFields(decoder, bytes, cut)) {
                    continue;
                }
                assertThat(thrown).as("%s cut to %d of %d bytes", file.getFileName(), cut, bytes.length)
                        .isInstanceOf(DecodeException.class);
                assertThat(thrown.getMessage()).matches(cut == 0 ? "pgoutput message at offset 0: empty message.*"
                        : "[A-Z ]+ message at offset \\d+: .*(truncated|length|count).*");
                assertThat(((DecodeException) thrown).offset()).isBetween(0, cut);
                assertThat(decoder.state()).as("a failed message changes no state").isEqualTo(before);
                assertThat(decoder.relations().relationCount()).isEqualTo(relationsBefore);
            }
            DecodedEvent whole = recorder.decode(message.lsn(), bytes);
            assertThat(whole.type()).isNotNull();
        }
    }

    private static boolean isAbortWithoutOptionalFields(PgOutputDecoder decoder, byte[] bytes, int cut) {
        // A protocol 4 Stream Abort cut after its two xids is a valid protocol 2 Stream Abort.
        return bytes[0] == 'A' && cut == 9 && !decoder.streamAbort().hasAbortInfo();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void shouldNeverFailWithAnythingButADecodeExceptionOnCorruptBytes(Path file) {
        Fixture fixture = Fixture.read(file);
        EventRecorder reference = new EventRecorder(fixture.protocolVersion());
        List<Fixture.Message> prelude = new ArrayList<>();
        java.util.Map<String, Integer> signatures = new java.util.HashMap<>();
        int decodedCorrupt = 0;
        int rejectedCorrupt = 0;
        for (Fixture.Message message : allMessages(fixture)) {
            byte[] bytes = message.bytes();
            // Thousands of bulk inserts look alike: corrupt the first few of each kind and size.
            boolean sample = signatures.merge((char) bytes[0] + "/" + bytes.length, 1, Integer::sum) <= 4;
            int stride = bytes.length > 256 ? bytes.length / 64 : 1;
            PgOutputDecoder scratch = sample ? replay(fixture.protocolVersion(), prelude) : null;
            for (int position = 0; sample && position < bytes.length; position += stride) {
                for (int flip : new int[] {0x00, 0xFF, bytes[position] ^ 0x80, bytes[position] + 1}) {
                    byte[] corrupt = bytes.clone();
                    corrupt[position] = (byte) flip;
                    PgOutputDecoder target = scratch;
                    Throwable thrown = catchThrowable(() -> target.wrap(new UnsafeBuffer(corrupt), 0, corrupt.length));
                    if (thrown == null) {
                        decodedCorrupt++;
                        scratch = replay(fixture.protocolVersion(), prelude);
                    } else {
                        assertThat(thrown).as("%s: byte %d of %s set to 0x%02x", file.getFileName(), position,
                                MessageType.fromTypeByte(bytes[0]), flip & 0xFF).isInstanceOf(DecodeException.class);
                        rejectedCorrupt++;
                    }
                }
            }
            reference.decode(message.lsn(), bytes);
            if (bytes[0] == 'R' || bytes[0] == 'Y' || bytes[0] == 'S' || bytes[0] == 'E') {
                prelude.add(message);
            }
        }
        assertThat(rejectedCorrupt).isPositive();
        assertThat(decodedCorrupt).as("corrupt bytes inside a value still decode").isPositive();
    }

    /** A decoder in the state the stream had reached: relations and types known, stream block open or not. */
    private static PgOutputDecoder replay(int protocolVersion, List<Fixture.Message> prelude) {
        PgOutputDecoder decoder = new PgOutputDecoder(protocolVersion);
        for (Fixture.Message message : prelude) {
            decoder.wrap(new UnsafeBuffer(message.bytes()), 0, message.bytes().length);
        }
        return decoder;
    }

    private static List<Fixture.Message> allMessages(Fixture fixture) {
        List<Fixture.Message> all = new ArrayList<>();
        for (Fixture.Step step : fixture.steps()) {
            all.addAll(step.messages());
        }
        return all;
    }

    @Test
    void shouldRenderBinaryValuesExactlyAsTheServerRendersText() throws Exception {
        for (int major : new int[] {14, 17, 18}) {
            int protocol = major == 14 ? 2 : 4;
            Map<String, String> text = typesRow(fixtureNamed("pg" + major + "-proto" + protocol + "-text.pgoutput"));
            Map<String, String> binary = typesRow(fixtureNamed("pg" + major + "-proto" + protocol + "-binary.pgoutput"));
            assertThat(binary).as("PostgreSQL %d", major).isEqualTo(text).hasSize(24);
        }
    }

    private static Fixture fixtureNamed(String name) throws Exception {
        return Fixture.read(Path.of(GoldenFixtureTest.class.getResource("/fixtures/" + name).toURI()));
    }

    private static Map<String, String> typesRow(Fixture fixture) {
        EventRecorder recorder = new EventRecorder(fixture.protocolVersion());
        Map<String, String> row = null;
        for (Fixture.Message message : allMessages(fixture)) {
            DecodedEvent event = recorder.decode(message.lsn(), message.bytes());
            if (event.type() == MessageType.INSERT && "fx.types".equals(event.table())) {
                row = event.newValues();
            }
        }
        return row;
    }
}
