package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.engine.EngineException;
import io.walferry.engine.source.ConnectionSpec;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {
    private final PipelineConfig defaults = PipelineConfig.of(ConnectionSpec.parse("postgresql://app@db1/shop"));

    @Test
    void shouldNameTheSlotAndPublicationAfterThePipeline() {
        assertThat(defaults.pipelineName()).isEqualTo("default");
        assertThat(defaults.slotName()).isEqualTo("walferry_default");
        assertThat(defaults.withPipelineName("orders_2").publicationName()).isEqualTo("walferry_orders_2");
    }

    @Test
    void shouldHaveTheDocumentedDefaults() {
        assertThat(defaults.ringSize()).isEqualTo(4096);
        assertThat(defaults.statusIntervalMs()).isEqualTo(1000);
        assertThat(defaults.reconnectInitialBackoffMs()).isEqualTo(1000);
        assertThat(defaults.reconnectMaxBackoffMs()).isEqualTo(30_000);
        assertThat(defaults.exitWhenCaughtUp()).isFalse();
        assertThat(defaults.includeTables()).isEmpty();
    }

    @Test
    void shouldRefuseANameThatCannotNameASlot() {
        assertThatThrownBy(() -> defaults.withPipelineName("Orders-1"))
                .isInstanceOf(EngineException.class)
                .hasMessage("--pipeline \"Orders-1\" is not a valid pipeline name (expected: 1 to 40 lower-case"
                        + " letters, digits and underscores; it names the publication and the slot walferry_<name>)");
        assertThatThrownBy(() -> defaults.withPipelineName("a".repeat(41))).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> defaults.withPipelineName("")).isInstanceOf(EngineException.class);
    }

    @Test
    void shouldRefuseARingSizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> defaults.withRing(1000, 1024))
                .isInstanceOf(EngineException.class)
                .hasMessage("--ring-size 1000 (expected: a power of two from 2 to 4194304)");
        assertThat(defaults.withRing(16, 64).ringSize()).isEqualTo(16);
    }
}
