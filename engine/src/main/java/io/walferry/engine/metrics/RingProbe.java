package io.walferry.engine.metrics;

/**
 * What a running pipeline lets the metrics read about its ring buffer and applier thread. Called
 * from the HTTP thread while the pipeline runs: implementations read volatile state only.
 */
public interface RingProbe {
    /** Whether the applier thread runs and has not failed. */
    boolean applierAlive();

    /** Events published into the ring and not yet consumed by the applier. */
    long ringUsedSlots();

    /** Events the ring holds. */
    int ringCapacity();
}
