package io.walferry.engine.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ConnectionStrings;
import io.walferry.engine.source.ServerInfo;
import io.walferry.engine.source.SourceEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {
    private static final ConnectionSpec SPEC = ConnectionStrings.parse("host=db1 dbname=d user=u password=secret",
            new SourceEnvironment(Map.of(), Path.of("/nonexistent"), "u"));

    private static ServerInfo server(int versionNum, String version) {
        return new ServerInfo(versionNum, version, "logical", true, true, 10, 0);
    }

    @Test
    void shouldKnowTheHighestProtocolOfEachServerVersion() {
        assertThat(ProtocolVersions.highestSupported(130012)).isEqualTo(1);
        assertThat(ProtocolVersions.highestSupported(140024)).isEqualTo(2);
        assertThat(ProtocolVersions.highestSupported(150010)).isEqualTo(3);
        assertThat(ProtocolVersions.highestSupported(160000)).isEqualTo(4);
        assertThat(ProtocolVersions.highestSupported(180006)).isEqualTo(4);
    }

    @Test
    void shouldNegotiateTheHighestByDefaultAndAcceptLowerRequests() {
        assertThat(ProtocolVersions.negotiate(server(170011, "17.11"), null, SPEC)).isEqualTo(4);
        assertThat(ProtocolVersions.negotiate(server(140024, "14.24"), null, SPEC)).isEqualTo(2);
        assertThat(ProtocolVersions.negotiate(server(170011, "17.11"), 1, SPEC)).isEqualTo(1);
    }

    @Test
    void shouldRefuseAProtocolAboveWhatTheServerSupportsNamingBothNumbers() {
        assertThatThrownBy(() -> ProtocolVersions.negotiate(server(140024, "14.24"), 4, SPEC))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID_INPUT))
                .hasMessageContaining("--proto-version 4")
                .hasMessageContaining("PostgreSQL 14.24")
                .hasMessageContaining("1 to 2")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ProtocolVersions.negotiate(server(170011, "17.11"), 5, SPEC))
                .hasMessageContaining("expected: 1 to 4");
    }

    @Test
    void shouldAskForEverythingProtocolFourOffers() {
        StreamOptions options = StreamOptions.forServer(170011, 4, List.of("pub"), true);
        assertThat(options.slotOptions()).containsExactly(
                entry("proto_version", "4"),
                entry("publication_names", "\"pub\""),
                entry("messages", "true"),
                entry("streaming", "parallel"),
                entry("binary", "true"),
                entry("two_phase", "on"));
    }

    @Test
    void shouldStreamWithoutTwoPhaseOnProtocolTwo() {
        assertThat(StreamOptions.forServer(140024, 2, List.of("pub"), false).slotOptions()).containsExactly(
                entry("proto_version", "2"),
                entry("publication_names", "\"pub\""),
                entry("messages", "true"),
                entry("streaming", "on"));
        assertThat(StreamOptions.forServer(170011, 3, List.of("pub"), false).slotOptions())
                .containsEntry("streaming", "on").containsEntry("two_phase", "on");
        assertThat(StreamOptions.forServer(170011, 1, List.of("pub"), false).slotOptions())
                .doesNotContainKeys("streaming", "two_phase", "binary");
    }

    @Test
    void shouldQuotePublicationNamesForPgoutputAndTheReplicationCommand() {
        StreamOptions options = StreamOptions.forServer(170011, 4, List.of("my \"pub\"", "it's", "b"), false);
        assertThat(options.slotOptions().get("publication_names")).isEqualTo("\"my \"\"pub\"\"\",\"it''s\",\"b\"");
    }

    @Test
    void shouldRefuseBinaryBeforePostgres14() {
        assertThatThrownBy(() -> StreamOptions.forServer(130000, 1, List.of("p"), true))
                .hasMessageContaining("--binary");
    }

    @Test
    void shouldCreateTemporarySlotsWithTheSyntaxOfEachVersion() {
        assertThat(TemporarySlot.createCommand("walferry_peek_1_ab", 140024, false))
                .isEqualTo("CREATE_REPLICATION_SLOT walferry_peek_1_ab TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT");
        assertThat(TemporarySlot.createCommand("s", 150000, false))
                .isEqualTo("CREATE_REPLICATION_SLOT s TEMPORARY LOGICAL pgoutput (SNAPSHOT 'nothing')");
        assertThat(TemporarySlot.createCommand("s", 170011, true))
                .isEqualTo("CREATE_REPLICATION_SLOT s TEMPORARY LOGICAL pgoutput (SNAPSHOT 'nothing', TWO_PHASE true)");
        assertThatThrownBy(() -> TemporarySlot.createCommand("Bad-Name", 170011, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWakeAWaiterWhenStopIsRequested() {
        StopSignal stop = new StopSignal();
        assertThat(stop.awaitMillis(1)).isFalse();
        stop.request();
        assertThat(stop.isRequested()).isTrue();
        assertThat(stop.awaitMillis(60_000)).isTrue();
    }
}
