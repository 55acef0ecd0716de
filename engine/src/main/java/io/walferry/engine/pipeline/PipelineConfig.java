package io.walferry.engine.pipeline;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.metrics.PipelineMetrics;
import io.walferry.engine.peek.TablePattern;
import io.walferry.engine.source.ConnectionSpec;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one replication pipeline runs. Start from {@link #of(ConnectionSpec)} (every default) and
 * change what the command line sets with the {@code with...} methods.
 *
 * @param pipelineName              names the pipeline and its source objects: publication and slot
 *                                  {@code walferry_<name>}; 1 to {@value #MAX_NAME_LENGTH} of
 *                                  {@code [a-z0-9_]}
 * @param source                    the source server and database
 * @param includeTables             tables to publish, as {@code schema.table} globs; empty for all
 * @param excludeTables             tables not to publish, as {@code schema.table} globs
 * @param ringSize                  events in the ring buffer between the reader and the applier, a
 *                                  power of two
 * @param eventBufferBytes          bytes each ring event holds without growing, and keeps between
 *                                  messages: a larger message grows its event for as long as it
 *                                  is in it. Memory is about {@code ringSize * eventBufferBytes} plus
 *                                  the larger messages in flight.
 * @param statusIntervalMs          how often the reader sends status updates (LSN feedback)
 * @param exitWhenCaughtUp          finish once every change committed before the start is durable
 *                                  on the target
 * @param reconnectInitialBackoffMs first wait before reconnecting to the source; doubles per attempt
 * @param reconnectMaxBackoffMs     longest wait between reconnect attempts
 * @param progressIntervalMs        how often the progress line is logged
 * @param slotReleaseWaitMs         how long to wait, at start, for an active slot to be released (the
 *                                  walsender of a previous walferry that was just killed) before
 *                                  reporting the slot in use
 * @param receiveTimeoutMs          how long the reader waits for anything at all (data or keepalive)
 *                                  from the source before it treats the connection as dead and
 *                                  reconnects; it asks the server for a keepalive after a third of it
 * @param inProgressStreaming       whether to ask the server to stream large transactions before they
 *                                  commit (where the protocol has it). Off only while the applier skips
 *                                  some tables' changes by commit LSN (after a resumed load), which it
 *                                  can only know at Begin.
 * @param metrics                   where the pipeline records its metrics and status: the command's
 *                                  {@link PipelineMetrics}, kept across the runs it supervises;
 *                                  unpublished (recording nothing) by default
 */
public record PipelineConfig(String pipelineName, ConnectionSpec source, List<TablePattern> includeTables,
                             List<TablePattern> excludeTables, int ringSize, int eventBufferBytes,
                             long statusIntervalMs, boolean exitWhenCaughtUp, long reconnectInitialBackoffMs,
                             long reconnectMaxBackoffMs, long progressIntervalMs, long slotReleaseWaitMs,
                             long receiveTimeoutMs, boolean inProgressStreaming, PipelineMetrics metrics) {
    public static final String DEFAULT_PIPELINE_NAME = "default";
    public static final int MAX_NAME_LENGTH = 40;
    public static final int DEFAULT_RING_SIZE = 4096;
    public static final int MAX_RING_SIZE = 1 << 22;
    public static final int DEFAULT_EVENT_BUFFER_BYTES = 1024;
    public static final long DEFAULT_STATUS_INTERVAL_MS = 1_000;
    public static final long DEFAULT_RECONNECT_INITIAL_BACKOFF_MS = 1_000;
    public static final long DEFAULT_RECONNECT_MAX_BACKOFF_MS = 30_000;
    public static final long DEFAULT_PROGRESS_INTERVAL_MS = 5_000;
    public static final long DEFAULT_SLOT_RELEASE_WAIT_MS = 5_000;
    /** As PostgreSQL's own {@code wal_receiver_timeout} and {@code wal_sender_timeout} default. */
    public static final long DEFAULT_RECEIVE_TIMEOUT_MS = 60_000;
    /** Below this, a busy source could be taken for a dead one. */
    public static final long MIN_RECEIVE_TIMEOUT_MS = 300;
    /** Prefix of the publication and slot names. */
    public static final String OBJECT_PREFIX = "walferry_";

    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9_]{1," + MAX_NAME_LENGTH + "}");

    public PipelineConfig {
        Objects.requireNonNull(pipelineName, "pipelineName");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metrics, "metrics");
        includeTables = List.copyOf(includeTables);
        excludeTables = List.copyOf(excludeTables);
        if (!VALID_NAME.matcher(pipelineName).matches()) {
            throw new EngineException(Failure.INVALID_INPUT, "--pipeline \"" + pipelineName
                    + "\" is not a valid pipeline name (expected: 1 to " + MAX_NAME_LENGTH + " lower-case letters,"
                    + " digits and underscores; it names the publication and the slot " + OBJECT_PREFIX + "<name>)");
        }
        if (ringSize < 2 || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new EngineException(Failure.INVALID_INPUT, "--ring-size " + ringSize
                    + " (expected: a power of two from 2 to " + MAX_RING_SIZE + ")");
        }
        if (eventBufferBytes < 16) {
            throw new EngineException(Failure.INVALID_INPUT, "--event-buffer-bytes " + eventBufferBytes
                    + " (expected: 16 or more)");
        }
        requireRange("statusIntervalMs", statusIntervalMs, 1, Integer.MAX_VALUE);
        requireRange("reconnectInitialBackoffMs", reconnectInitialBackoffMs, 1, reconnectMaxBackoffMs);
        requireRange("reconnectMaxBackoffMs", reconnectMaxBackoffMs, 1, Long.MAX_VALUE);
        requireRange("progressIntervalMs", progressIntervalMs, 1, Long.MAX_VALUE);
        requireRange("slotReleaseWaitMs", slotReleaseWaitMs, 0, Long.MAX_VALUE);
        if (receiveTimeoutMs < MIN_RECEIVE_TIMEOUT_MS) {
            throw new EngineException(Failure.INVALID_INPUT, "--receive-timeout " + receiveTimeoutMs + " ms (expected: "
                    + MIN_RECEIVE_TIMEOUT_MS + " ms or more)");
        }
    }

    private static void requireRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + " to " + max + ")");
        }
    }

    /** The pipeline {@value #DEFAULT_PIPELINE_NAME} on {@code source}, every table, every default. */
    public static PipelineConfig of(ConnectionSpec source) {
        return new PipelineConfig(DEFAULT_PIPELINE_NAME, source, List.of(), List.of(), DEFAULT_RING_SIZE,
                DEFAULT_EVENT_BUFFER_BYTES, DEFAULT_STATUS_INTERVAL_MS, false, DEFAULT_RECONNECT_INITIAL_BACKOFF_MS,
                DEFAULT_RECONNECT_MAX_BACKOFF_MS, DEFAULT_PROGRESS_INTERVAL_MS, DEFAULT_SLOT_RELEASE_WAIT_MS,
                DEFAULT_RECEIVE_TIMEOUT_MS, true, PipelineMetrics.unpublished(DEFAULT_PIPELINE_NAME));
    }

    /** The publication and slot name, {@code walferry_<pipelineName>}. */
    public String objectName() {
        return OBJECT_PREFIX + pipelineName;
    }

    public String slotName() {
        return objectName();
    }

    public String publicationName() {
        return objectName();
    }

    public PipelineConfig withPipelineName(String name) {
        return new PipelineConfig(name, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withTables(List<TablePattern> include, List<TablePattern> exclude) {
        return new PipelineConfig(pipelineName, source, include, exclude, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withRing(int size, int bufferBytes) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, size, bufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withStatusIntervalMs(long intervalMs) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                intervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withExitWhenCaughtUp(boolean exit) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exit, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withReconnectBackoff(long initialMs, long maxMs) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, initialMs, maxMs, progressIntervalMs, slotReleaseWaitMs,
                receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withProgressIntervalMs(long intervalMs) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                intervalMs, slotReleaseWaitMs, receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withSlotReleaseWaitMs(long waitMs) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, waitMs, receiveTimeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withReceiveTimeoutMs(long timeoutMs) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, timeoutMs, inProgressStreaming, metrics);
    }

    public PipelineConfig withInProgressStreaming(boolean streaming) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, receiveTimeoutMs, streaming, metrics);
    }

    /** Records into {@code pipelineMetrics} (the command's, published on {@code --http}). */
    public PipelineConfig withMetrics(PipelineMetrics pipelineMetrics) {
        return new PipelineConfig(pipelineName, source, includeTables, excludeTables, ringSize, eventBufferBytes,
                statusIntervalMs, exitWhenCaughtUp, reconnectInitialBackoffMs, reconnectMaxBackoffMs,
                progressIntervalMs, slotReleaseWaitMs, receiveTimeoutMs, inProgressStreaming, pipelineMetrics);
    }
}
