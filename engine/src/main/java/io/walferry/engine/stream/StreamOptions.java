package io.walferry.engine.stream;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pgoutput options of one {@code START_REPLICATION}: protocol version, publications, and the
 * features that version allows.
 *
 * @param protoVersion     pgoutput {@code proto_version}, 1 to 4
 * @param publicationNames publications to stream
 * @param messages         send logical decoding messages ({@code messages}, PostgreSQL 14+)
 * @param streaming        {@code streaming} value ({@code on}, or {@code parallel} for protocol 4, so
 *                         that Stream Abort carries its LSN and time), or {@code null} for off
 * @param binary           values in binary format ({@code binary}, PostgreSQL 14+)
 * @param twoPhase         decode prepared transactions at PREPARE ({@code two_phase}, protocol 3+);
 *                         the slot must be created with two-phase enabled
 */
public record StreamOptions(int protoVersion, List<String> publicationNames, boolean messages, String streaming,
                            boolean binary, boolean twoPhase) {
    public StreamOptions {
        publicationNames = List.copyOf(publicationNames);
    }

    /**
     * Everything the negotiated protocol version offers: messages, streaming and, from version 3,
     * two-phase decoding.
     *
     * @throws EngineException ({@link Failure#INVALID_INPUT}) for {@code binary} before PostgreSQL 14
     */
    public static StreamOptions forServer(int serverVersionNum, int protoVersion, List<String> publicationNames,
                                          boolean binary) {
        if (binary && serverVersionNum < 140000) {
            throw new EngineException(Failure.INVALID_INPUT,
                    "--binary needs PostgreSQL 14 or later on the source: leave it out");
        }
        boolean messages = serverVersionNum >= 140000;
        String streaming = protoVersion >= 4 ? "parallel" : protoVersion >= 2 ? "on" : null;
        return new StreamOptions(protoVersion, publicationNames, messages, streaming, binary, protoVersion >= 3);
    }

    /**
     * The options as {@code START_REPLICATION} takes them, values already escaped for the
     * replication command's single-quoted literals (pgjdbc inserts them as they are).
     */
    public Map<String, String> slotOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("proto_version", Integer.toString(protoVersion));
        options.put("publication_names", quoteLiteral(publicationList()));
        if (messages) {
            options.put("messages", "true");
        }
        if (streaming != null) {
            options.put("streaming", streaming);
        }
        if (binary) {
            options.put("binary", "true");
        }
        if (twoPhase) {
            options.put("two_phase", "on");
        }
        return options;
    }

    /** The publications as pgoutput parses them: a comma-separated list of double-quoted identifiers. */
    String publicationList() {
        StringBuilder list = new StringBuilder();
        for (String name : publicationNames) {
            if (list.length() > 0) {
                list.append(',');
            }
            list.append('"').append(name.replace("\"", "\"\"")).append('"');
        }
        return list.toString();
    }

    private static String quoteLiteral(String value) {
        return value.replace("'", "''");
    }
}
