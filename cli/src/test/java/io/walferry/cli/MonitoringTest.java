package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The addresses {@code replicate --http} accepts. */
class MonitoringTest {
    private final CommandSpec spec = Walferry.commandLine().getSubcommands().get("replicate").getCommandSpec();

    @Test
    void shouldListenOnLoopbackOnlyByDefault() {
        assertThat(spec.findOption("--http").defaultValue()).as("no default: null means the default address").isNull();

        InetSocketAddress address = Monitoring.parse(spec, Monitoring.DEFAULT_ADDRESS);

        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        assertThat(address.getAddress().isAnyLocalAddress()).as("not 0.0.0.0").isFalse();
        assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(address.getPort()).isEqualTo(8432);
    }

    @Test
    void shouldTakeAPortAloneAsAPortOnLoopback() {
        InetSocketAddress address = Monitoring.parse(spec, "9000");

        assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(address.getPort()).isEqualTo(9000);
    }

    @Test
    void shouldAcceptHostsAndBracketedIpv6AndOff() {
        assertThat(Monitoring.parse(spec, "0.0.0.0:8432").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(Monitoring.parse(spec, "[::1]:8432").getAddress().isLoopbackAddress()).isTrue();
        assertThat(Monitoring.parse(spec, "off")).isNull();
        assertThat(Monitoring.parse(spec, "OFF")).isNull();
    }

    @Test
    void shouldRefuseWhatIsNotAnAddressAsAUsageError() {
        for (String bad : new String[] {"", "127.0.0.1", "127.0.0.1:", ":8432", "127.0.0.1:65536", "host:port"}) {
            assertThatThrownBy(() -> Monitoring.parse(spec, bad)).as(bad)
                    .isInstanceOf(ParameterException.class)
                    .hasMessageContaining("--http " + bad);
        }
    }
}
