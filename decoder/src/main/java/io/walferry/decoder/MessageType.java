package io.walferry.decoder;

/**
 * The kinds of pgoutput message, each identified by its leading type byte
 * (PostgreSQL: {@code LogicalRepMsgType} in {@code logicalproto.h}).
 */
public enum MessageType {
    BEGIN('B', 1, "begin"),
    COMMIT('C', 1, "commit"),
    ORIGIN('O', 1, "origin"),
    RELATION('R', 1, "relation"),
    TYPE('Y', 1, "type"),
    INSERT('I', 1, "insert"),
    UPDATE('U', 1, "update"),
    DELETE('D', 1, "delete"),
    TRUNCATE('T', 1, "truncate"),
    /** A logical decoding message ({@code pg_logical_emit_message}). */
    MESSAGE('M', 1, "message"),
    STREAM_START('S', 2, "stream_start"),
    STREAM_STOP('E', 2, "stream_stop"),
    STREAM_COMMIT('c', 2, "stream_commit"),
    STREAM_ABORT('A', 2, "stream_abort"),
    BEGIN_PREPARE('b', 3, "begin_prepare"),
    PREPARE('P', 3, "prepare"),
    COMMIT_PREPARED('K', 3, "commit_prepared"),
    ROLLBACK_PREPARED('r', 3, "rollback_prepared"),
    STREAM_PREPARE('p', 3, "stream_prepare");

    private static final MessageType[] BY_TYPE_BYTE = new MessageType[128];

    static {
        for (MessageType type : values()) {
            BY_TYPE_BYTE[type.typeByte] = type;
        }
    }

    private final byte typeByte;
    private final int minProtocolVersion;
    private final String opName;

    MessageType(char typeByte, int minProtocolVersion, String opName) {
        this.typeByte = (byte) typeByte;
        this.minProtocolVersion = minProtocolVersion;
        this.opName = opName;
    }

    /** The type byte on the wire. */
    public byte typeByte() {
        return typeByte;
    }

    /** The first pgoutput protocol version that sends this message. */
    public int minProtocolVersion() {
        return minProtocolVersion;
    }

    /** Lower-case name used in walferry's JSON output, e.g. {@code stream_commit}. */
    public String opName() {
        return opName;
    }

    /** Upper-case name used in error messages, e.g. {@code STREAM COMMIT}. */
    public String displayName() {
        return name().replace('_', ' ');
    }

    /** The message kind for a type byte, or {@code null} when the byte names no known kind. */
    public static MessageType fromTypeByte(byte typeByte) {
        return typeByte >= 0 ? BY_TYPE_BYTE[typeByte] : null;
    }
}
