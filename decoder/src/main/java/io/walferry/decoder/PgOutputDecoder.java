package io.walferry.decoder;

import org.agrona.DirectBuffer;

/**
 * Decodes pgoutput messages, one XLogData payload at a time, into reusable flyweights.
 *
 * <pre>{@code
 * PgOutputDecoder decoder = new PgOutputDecoder(4);
 * MessageType type = decoder.wrap(buffer, offset, length);
 * if (type == MessageType.INSERT) {
 *     InsertMessage insert = decoder.insert();
 *     ... insert.relation(), insert.newTuple() ...
 * }
 * }</pre>
 *
 * <p>State: the decoder tracks whether it is inside a streamed block (between Stream Start and
 * Stream Stop), because Relation, Type, row, Truncate and Message messages carry a leading xid only
 * there. Relation and Type messages update the {@link RelationCache}; everything else is decoded
 * without allocation. Each message is checked against its full layout and must end exactly where
 * its last field ends.
 *
 * <p>Not thread-safe: one decoder per replication stream, used by the stream's reader thread.
 */
public final class PgOutputDecoder {
    /** Where the decoder is in the stream, which decides whether messages carry an xid. */
    public enum State {
        /** Outside streamed blocks: ordinary transactions, prepares, and between stream segments. */
        NORMAL,
        /** Between Stream Start and Stream Stop: changes of an in-progress transaction. */
        IN_STREAM_BLOCK
    }

    private final int protocolVersion;
    private final RelationCache relations;
    private final MessageReader reader = new MessageReader();

    private final BeginMessage begin = new BeginMessage();
    private final CommitMessage commit = new CommitMessage();
    private final OriginMessage origin = new OriginMessage();
    private final RelationMessage relation = new RelationMessage();
    private final TypeMessage typeMessage = new TypeMessage();
    private final InsertMessage insert = new InsertMessage();
    private final UpdateMessage update = new UpdateMessage();
    private final DeleteMessage delete = new DeleteMessage();
    private final TruncateMessage truncate = new TruncateMessage();
    private final LogicalMessage logicalMessage = new LogicalMessage();
    private final StreamStartMessage streamStart = new StreamStartMessage();
    private final StreamStopMessage streamStop = new StreamStopMessage();
    private final StreamCommitMessage streamCommit = new StreamCommitMessage();
    private final StreamAbortMessage streamAbort = new StreamAbortMessage();
    private final BeginPrepareMessage beginPrepare = new BeginPrepareMessage();
    private final PrepareMessage prepare = new PrepareMessage(MessageType.PREPARE);
    private final PrepareMessage streamPrepare = new PrepareMessage(MessageType.STREAM_PREPARE);
    private final CommitPreparedMessage commitPrepared = new CommitPreparedMessage();
    private final RollbackPreparedMessage rollbackPrepared = new RollbackPreparedMessage();

    private State state = State.NORMAL;
    private PgOutputMessage current;
    private long streamXid;

    /** A decoder for the given {@code proto_version} (1 to 4) with its own relation cache. */
    public PgOutputDecoder(int protocolVersion) {
        this(protocolVersion, new RelationCache());
    }

    public PgOutputDecoder(int protocolVersion, RelationCache relations) {
        if (protocolVersion < 1 || protocolVersion > 4) {
            throw new IllegalArgumentException("protocolVersion: " + protocolVersion + " (expected: 1 to 4)");
        }
        this.protocolVersion = protocolVersion;
        this.relations = relations;
    }

    /**
     * Decodes the message in {@code buffer[offset, offset + length)} and returns its kind; the
     * matching flyweight accessor then reads it.
     *
     * @throws DecodeException when the message is truncated, malformed, of an unknown kind, newer than
     *                         the protocol version, or out of place in the stream
     */
    public MessageType wrap(DirectBuffer buffer, int offset, int length) {
        current = null;
        if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            throw new IllegalArgumentException("message window [" + offset + ", " + offset + " + " + length
                    + ") (expected: inside the buffer's capacity " + buffer.capacity() + ")");
        }
        reader.wrap(buffer, offset, length);
        if (length < 1) {
            throw new DecodeException(null, 0, "empty message (expected: a type byte)");
        }
        byte typeByte = reader.readByte("Byte1 message type");
        MessageType type = MessageType.fromTypeByte(typeByte);
        if (type == null) {
            throw new DecodeException(null, 0, "unknown message type " + describeByte(typeByte)
                    + " (expected: one of B C O R Y I U D T M S E c A b P K r p)");
        }
        reader.type(type);
        if (type.minProtocolVersion() > protocolVersion) {
            throw new DecodeException(type, 0, "sent under proto_version " + protocolVersion
                    + " (expected: only with proto_version " + type.minProtocolVersion() + " or later)");
        }
        PgOutputMessage message = read(type);
        reader.requireEnd();
        // Only a message that decoded to its last byte may change the decoder's state.
        applyStateChange(type);
        message.wrapRaw(buffer, offset, length);
        current = message;
        return type;
    }

    private PgOutputMessage read(MessageType type) {
        boolean streamed = state == State.IN_STREAM_BLOCK;
        switch (type) {
            case INSERT:
                insert.read(reader, streamed, relations);
                return insert;
            case UPDATE:
                update.read(reader, streamed, relations);
                return update;
            case DELETE:
                delete.read(reader, streamed, relations);
                return delete;
            case BEGIN:
                requireState(State.NORMAL);
                begin.read(reader);
                return begin;
            case COMMIT:
                requireState(State.NORMAL);
                commit.read(reader);
                return commit;
            case RELATION:
                relation.read(reader, streamed);
                return relation;
            case TYPE:
                typeMessage.read(reader, streamed);
                return typeMessage;
            case TRUNCATE:
                truncate.read(reader, streamed, relations);
                return truncate;
            case MESSAGE:
                logicalMessage.read(reader, streamed);
                return logicalMessage;
            case ORIGIN:
                origin.read(reader);
                return origin;
            default:
                return readStreamOrTwoPhase(type);
        }
    }

    private PgOutputMessage readStreamOrTwoPhase(MessageType type) {
        switch (type) {
            case STREAM_START:
                requireState(State.NORMAL);
                streamStart.read(reader);
                return streamStart;
            case STREAM_STOP:
                requireState(State.IN_STREAM_BLOCK);
                return streamStop;
            case STREAM_COMMIT:
                requireState(State.NORMAL);
                streamCommit.read(reader);
                return streamCommit;
            case STREAM_ABORT:
                requireState(State.NORMAL);
                streamAbort.read(reader);
                return streamAbort;
            case BEGIN_PREPARE:
                requireState(State.NORMAL);
                beginPrepare.read(reader);
                return beginPrepare;
            case PREPARE:
                requireState(State.NORMAL);
                prepare.read(reader);
                return prepare;
            case STREAM_PREPARE:
                requireState(State.NORMAL);
                streamPrepare.read(reader);
                return streamPrepare;
            case COMMIT_PREPARED:
                requireState(State.NORMAL);
                commitPrepared.read(reader);
                return commitPrepared;
            case ROLLBACK_PREPARED:
                requireState(State.NORMAL);
                rollbackPrepared.read(reader);
                return rollbackPrepared;
            default:
                throw new IllegalStateException("unhandled message type " + type);
        }
    }

    private void applyStateChange(MessageType type) {
        switch (type) {
            case RELATION:
                relations.put(relation.relation());
                break;
            case TYPE:
                relations.put(typeMessage.typeInfo());
                break;
            case STREAM_START:
                state = State.IN_STREAM_BLOCK;
                streamXid = streamStart.xid();
                break;
            case STREAM_STOP:
                state = State.NORMAL;
                break;
            default:
                break;
        }
    }

    private void requireState(State expected) {
        if (state != expected) {
            throw reader.malformed(expected == State.NORMAL
                    ? "arrived inside the streamed block of xid " + streamXid + " (expected: after STREAM STOP)"
                    : "arrived outside a streamed block (expected: after STREAM START)");
        }
    }

    private static String describeByte(byte value) {
        int unsigned = value & 0xFF;
        String hex = "0x" + (unsigned < 16 ? "0" : "") + Integer.toHexString(unsigned);
        return unsigned >= 0x20 && unsigned < 0x7F ? "'" + (char) unsigned + "' (" + hex + ")" : hex;
    }

    /** Forgets the stream position state and cached relations, as on a new replication connection. */
    public void reset() {
        state = State.NORMAL;
        current = null;
        relations.clear();
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    public State state() {
        return state;
    }

    /** The xid of the streamed transaction whose block is open, or of the last one opened. */
    public long streamXid() {
        return streamXid;
    }

    public RelationCache relations() {
        return relations;
    }

    /** The last message decoded, or {@code null} when the last {@code wrap} failed. */
    public PgOutputMessage message() {
        return current;
    }

    public BeginMessage begin() {
        return begin;
    }

    public CommitMessage commit() {
        return commit;
    }

    public OriginMessage origin() {
        return origin;
    }

    public RelationMessage relation() {
        return relation;
    }

    public TypeMessage typeMessage() {
        return typeMessage;
    }

    public InsertMessage insert() {
        return insert;
    }

    public UpdateMessage update() {
        return update;
    }

    public DeleteMessage delete() {
        return delete;
    }

    public TruncateMessage truncate() {
        return truncate;
    }

    public LogicalMessage logicalMessage() {
        return logicalMessage;
    }

    public StreamStartMessage streamStart() {
        return streamStart;
    }

    public StreamStopMessage streamStop() {
        return streamStop;
    }

    public StreamCommitMessage streamCommit() {
        return streamCommit;
    }

    public StreamAbortMessage streamAbort() {
        return streamAbort;
    }

    public BeginPrepareMessage beginPrepare() {
        return beginPrepare;
    }

    /** The Prepare flyweight; Stream Prepare has its own, {@link #streamPrepare()}. */
    public PrepareMessage prepare() {
        return prepare;
    }

    public PrepareMessage streamPrepare() {
        return streamPrepare;
    }

    public CommitPreparedMessage commitPrepared() {
        return commitPrepared;
    }

    public RollbackPreparedMessage rollbackPrepared() {
        return rollbackPrepared;
    }
}
