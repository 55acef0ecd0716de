package io.walferry.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.decoder.fixture.Fixture;
import io.walferry.decoder.fixture.StreamCapture;
import io.walferry.testkit.PgServer;
import io.walferry.testkit.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streams the scripted workload from each server version under every protocol version it supports
 * (text, and binary at the highest version) through pgjdbc's replication API, and checks every
 * decoded change against what the workload wrote. With {@code -Dwalferry.fixtures.write=true} the
 * captured messages are also written as golden fixtures to {@code src/test/resources/fixtures}.
 */
class PgOutputStreamIT {

    static Stream<Arguments> streams() {
        List<Arguments> combinations = new ArrayList<>();
        for (int major : TestPostgres.versions()) {
            int maxProtocol = major >= 16 ? 4 : major == 15 ? 3 : 2;
            for (int protocol = 1; protocol <= maxProtocol; protocol++) {
                combinations.add(Arguments.of(major, protocol, false));
            }
            combinations.add(Arguments.of(major, maxProtocol, true));
        }
        return combinations.stream();
    }

    @ParameterizedTest(name = "PostgreSQL {0}, proto_version {1}, binary {2}")
    @MethodSource("streams")
    void shouldDecodeEveryChangeOfTheScriptedWorkload(int major, int protocolVersion, boolean binary) throws Exception {
        PgServer server = TestPostgres.server(major);

        Fixture fixture = StreamCapture.capture(server, protocolVersion, binary, true);

        assertThat(fixture.serverMajor()).isEqualTo(server.majorVersion());
        if (Boolean.getBoolean("walferry.fixtures.write")) {
            fixture.write(Path.of("src/test/resources/fixtures", fixture.fileName()));
        }
    }
}
