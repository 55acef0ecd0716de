package io.walferry.decoder;

/**
 * A pgoutput message that cannot be decoded: truncated, malformed, of an unknown kind, or out of
 * place. The message names the message kind, the offset within the message, and what was expected,
 * in the form {@code "INSERT message at offset 5: truncated (expected: Int32 relation OID, 4 bytes; 2 left)"}.
 *
 * <p>This is fatal to a replication pipeline: a change that cannot be read must never be skipped.
 */
public final class DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final MessageType messageType;
    private final int offset;

    public DecodeException(MessageType messageType, int offset, String detail) {
        super(describe(messageType, offset, detail));
        this.messageType = messageType;
        this.offset = offset;
    }

    private static String describe(MessageType type, int offset, String detail) {
        String kind = type == null ? "pgoutput message" : type.displayName() + " message";
        return kind + " at offset " + offset + ": " + detail;
    }

    /** The kind of message being decoded, or {@code null} when the type byte itself was unreadable or unknown. */
    public MessageType messageType() {
        return messageType;
    }

    /** Offset within the message (0 is the type byte) where decoding failed. */
    public int offset() {
        return offset;
    }
}
