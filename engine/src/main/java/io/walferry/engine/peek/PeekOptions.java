package io.walferry.engine.peek;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import java.util.List;
import java.util.Objects;

/**
 * What to peek at and how.
 *
 * @param source           the source server
 * @param publication      an existing publication to stream, or {@code null} to create a temporary one
 * @param tablePatterns    tables for the temporary publication; empty for {@code FOR ALL TABLES}
 * @param protoVersion     pgoutput protocol version, or {@code null} for the highest the server supports
 * @param binary           ask for values in binary format
 * @param limit            stop after printing this many messages (of any kind); 0 for no limit
 * @param statusIntervalMs how often to send status updates to the server, in milliseconds
 */
public record PeekOptions(ConnectionSpec source, String publication, List<TablePattern> tablePatterns,
                          Integer protoVersion, boolean binary, long limit, long statusIntervalMs) {
    /** Status updates every 2 seconds: far inside {@code wal_sender_timeout}, and WAL is released promptly. */
    public static final long DEFAULT_STATUS_INTERVAL_MS = 2_000;

    public PeekOptions {
        Objects.requireNonNull(source, "source");
        tablePatterns = List.copyOf(tablePatterns);
        if (publication != null && !tablePatterns.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "--publication and --tables exclude each other:"
                    + " --tables chooses the tables of a temporary publication, --publication streams an existing one");
        }
        if (publication != null && publication.isEmpty()) {
            throw new EngineException(Failure.INVALID_INPUT, "--publication is empty (expected: a publication name)");
        }
        if (limit < 0) {
            throw new EngineException(Failure.INVALID_INPUT, "--limit " + limit + " (expected: 1 or more)");
        }
        if (statusIntervalMs < 1 || statusIntervalMs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("statusIntervalMs: " + statusIntervalMs + " (expected: 1 to 2^31-1)");
        }
    }
}
