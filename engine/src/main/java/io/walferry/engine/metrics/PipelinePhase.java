package io.walferry.engine.metrics;

/** Where a {@code replicate} run stands, as {@code /status} and {@code walferry_pipeline_phase} say. */
public enum PipelinePhase {
    /** Checking the target's state and the source, before loading or streaming. */
    STARTING("starting"),
    /** The full load (schema, data, post-data) runs. */
    LOADING("loading"),
    /**
     * Streaming, but the target has not yet reached the source's WAL position read when streaming
     * started: the backlog of the load, or of the time walferry was stopped, is being applied.
     */
    CATCHING_UP("catching up"),
    /** Streaming, and the target has reached the position the source had when streaming started. */
    STREAMING("streaming");

    private final String label;

    PipelinePhase(String label) {
        this.label = label;
    }

    /** As {@code /status} writes it. */
    public String label() {
        return label;
    }

    /** As the {@code phase} tag writes it (no space). */
    public String tag() {
        return label.replace(' ', '_');
    }
}
