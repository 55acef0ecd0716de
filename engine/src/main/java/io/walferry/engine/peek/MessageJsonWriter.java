package io.walferry.engine.peek;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.walferry.decoder.BeginPrepareMessage;
import io.walferry.decoder.ColumnInfo;
import io.walferry.decoder.CommitPreparedMessage;
import io.walferry.decoder.LogicalMessage;
import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.PgTime;
import io.walferry.decoder.PrepareMessage;
import io.walferry.decoder.RelationInfo;
import io.walferry.decoder.RollbackPreparedMessage;
import io.walferry.decoder.StreamAbortMessage;
import io.walferry.decoder.TruncateMessage;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes decoded pgoutput messages as JSON lines: one object per message, in the form
 * {@code {"lsn":"0/16B3748","xid":731,"op":"insert","table":"public.orders","new":{"id":"1"}}}.
 * {@code lsn} is the XLogData start LSN of the message, {@code xid} the transaction it belongs to
 * (left out where there is none, as for a non-transactional logical message), {@code op}
 * {@link MessageType#opName()}, and the rest the message's own fields, described in
 * {@code docs/peek.md}. Output is buffered: call {@link #flush()} to push it out.
 */
public final class MessageJsonWriter implements Flushable {
    private static final long NO_XID = -1;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private final JsonGenerator json;
    /** The xid of the open (non-streamed) transaction, from Begin or Begin Prepare, or {@link #NO_XID}. */
    private long transactionXid = NO_XID;

    public MessageJsonWriter(Writer out) throws IOException {
        json = FACTORY.createGenerator(out);
        json.setRootValueSeparator(null);
    }

    /** Writes the message {@code decoder} has just decoded, of kind {@code type}, received at {@code lsn}. */
    public void write(long lsn, PgOutputDecoder decoder, MessageType type) throws IOException {
        json.writeStartObject();
        json.writeStringField("lsn", Lsn.format(lsn));
        long xid = xidOf(decoder, type);
        if (xid != NO_XID) {
            json.writeNumberField("xid", xid);
        }
        json.writeStringField("op", type.opName());
        writeFields(decoder, type);
        json.writeEndObject();
        json.writeRaw('\n');
        if (type == MessageType.BEGIN || type == MessageType.BEGIN_PREPARE) {
            transactionXid = xid;
        } else if (type == MessageType.COMMIT || type == MessageType.PREPARE) {
            transactionXid = NO_XID;
        }
    }

    @Override
    public void flush() throws IOException {
        json.flush();
    }

    private long xidOf(PgOutputDecoder decoder, MessageType type) {
        switch (type) {
            case BEGIN:
                return decoder.begin().xid();
            case STREAM_START:
                return decoder.streamStart().xid();
            case STREAM_STOP:
                return decoder.streamXid();
            case STREAM_COMMIT:
                return decoder.streamCommit().xid();
            case STREAM_ABORT:
                return decoder.streamAbort().xid();
            case BEGIN_PREPARE:
                return decoder.beginPrepare().xid();
            case PREPARE:
                return decoder.prepare().xid();
            case STREAM_PREPARE:
                return decoder.streamPrepare().xid();
            case COMMIT_PREPARED:
                return decoder.commitPrepared().xid();
            case ROLLBACK_PREPARED:
                return decoder.rollbackPrepared().xid();
            case MESSAGE:
                if (!decoder.logicalMessage().transactional()) {
                    return NO_XID;
                }
                return inStreamBlock(decoder) ? decoder.streamXid() : transactionXid;
            default:
                return inStreamBlock(decoder) ? decoder.streamXid() : transactionXid;
        }
    }

    private static boolean inStreamBlock(PgOutputDecoder decoder) {
        return decoder.state() == PgOutputDecoder.State.IN_STREAM_BLOCK;
    }

    private void writeFields(PgOutputDecoder decoder, MessageType type) throws IOException {
        switch (type) {
            case BEGIN:
                writeLsn("final_lsn", decoder.begin().finalLsn());
                writeTime("commit_time", decoder.begin().commitTimeMicros());
                break;
            case COMMIT:
                writeLsn("commit_lsn", decoder.commit().commitLsn());
                writeLsn("end_lsn", decoder.commit().endLsn());
                writeTime("commit_time", decoder.commit().commitTimeMicros());
                break;
            case ORIGIN:
                writeLsn("origin_lsn", decoder.origin().originLsn());
                json.writeStringField("origin_name", decoder.origin().originName());
                break;
            case RELATION:
                writeRelation(decoder.relation().relation());
                break;
            case TYPE:
                json.writeNumberField("type_oid", Integer.toUnsignedLong(decoder.typeMessage().typeInfo().oid()));
                json.writeStringField("namespace", decoder.typeMessage().typeInfo().namespace());
                json.writeStringField("name", decoder.typeMessage().typeInfo().name());
                break;
            case INSERT:
                json.writeStringField("table", decoder.insert().relation().qualifiedName());
                json.writeFieldName("new");
                TupleJson.writeRow(json, decoder.insert().relation(), decoder.insert().newTuple());
                break;
            case UPDATE:
                writeUpdate(decoder.update());
                break;
            case DELETE:
                json.writeStringField("table", decoder.delete().relation().qualifiedName());
                writeOld(decoder.delete().relation(), decoder.delete().oldTupleKind(), decoder.delete().oldTuple());
                break;
            case TRUNCATE:
                writeTruncate(decoder.truncate());
                break;
            case MESSAGE:
                writeLogicalMessage(decoder.logicalMessage());
                break;
            default:
                writeStreamOrTwoPhase(decoder, type);
        }
    }

    private void writeStreamOrTwoPhase(PgOutputDecoder decoder, MessageType type) throws IOException {
        switch (type) {
            case STREAM_START:
                json.writeBooleanField("first_segment", decoder.streamStart().firstSegment());
                break;
            case STREAM_STOP:
                break;
            case STREAM_COMMIT:
                writeLsn("commit_lsn", decoder.streamCommit().commitLsn());
                writeLsn("end_lsn", decoder.streamCommit().endLsn());
                writeTime("commit_time", decoder.streamCommit().commitTimeMicros());
                break;
            case STREAM_ABORT:
                writeStreamAbort(decoder.streamAbort());
                break;
            case BEGIN_PREPARE:
                writeBeginPrepare(decoder.beginPrepare());
                break;
            case PREPARE:
                writePrepare(decoder.prepare());
                break;
            case STREAM_PREPARE:
                writePrepare(decoder.streamPrepare());
                break;
            case COMMIT_PREPARED:
                writeCommitPrepared(decoder.commitPrepared());
                break;
            case ROLLBACK_PREPARED:
                writeRollbackPrepared(decoder.rollbackPrepared());
                break;
            default:
                throw new IllegalStateException("no JSON form for message type " + type);
        }
    }

    private void writeRelation(RelationInfo relation) throws IOException {
        json.writeStringField("table", relation.qualifiedName());
        json.writeNumberField("relid", Integer.toUnsignedLong(relation.relationId()));
        json.writeStringField("replica_identity", replicaIdentityName(relation.replicaIdentity()));
        json.writeArrayFieldStart("columns");
        for (int i = 0; i < relation.columnCount(); i++) {
            ColumnInfo column = relation.column(i);
            json.writeStartObject();
            json.writeStringField("name", column.name());
            json.writeNumberField("type_oid", Integer.toUnsignedLong(column.typeOid()));
            json.writeNumberField("typmod", column.typeModifier());
            json.writeBooleanField("key", column.key());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private void writeUpdate(UpdateMessage update) throws IOException {
        json.writeStringField("table", update.relation().qualifiedName());
        if (update.hasOldTuple()) {
            writeOld(update.relation(), update.oldTupleKind(), update.oldTuple());
        }
        json.writeFieldName("new");
        TupleJson.writeRow(json, update.relation(), update.newTuple());
    }

    private void writeOld(RelationInfo relation, byte oldTupleKind, TupleData old) throws IOException {
        boolean key = oldTupleKind == UpdateMessage.OLD_KEY;
        json.writeStringField("old_kind", key ? "key" : "row");
        json.writeFieldName("old");
        if (key) {
            TupleJson.writeKey(json, relation, old);
        } else {
            TupleJson.writeRow(json, relation, old);
        }
    }

    private void writeTruncate(TruncateMessage truncate) throws IOException {
        json.writeArrayFieldStart("tables");
        for (int i = 0; i < truncate.relationCount(); i++) {
            json.writeString(truncate.relation(i).qualifiedName());
        }
        json.writeEndArray();
        json.writeBooleanField("cascade", truncate.cascade());
        json.writeBooleanField("restart_identity", truncate.restartIdentity());
    }

    private void writeLogicalMessage(LogicalMessage message) throws IOException {
        json.writeBooleanField("transactional", message.transactional());
        json.writeStringField("prefix", message.prefix());
        writeLsn("message_lsn", message.lsn());
        byte[] content = message.content();
        String text = utf8OrNull(content);
        if (text != null) {
            json.writeStringField("content", text);
        } else {
            json.writeStringField("content", Base64.getEncoder().encodeToString(content));
            json.writeBooleanField("content_base64", true);
        }
    }

    private void writeStreamAbort(StreamAbortMessage abort) throws IOException {
        json.writeNumberField("sub_xid", abort.subXid());
        if (abort.hasAbortInfo()) {
            writeLsn("abort_lsn", abort.abortLsn());
            writeTime("abort_time", abort.abortTimeMicros());
        }
    }

    private void writeBeginPrepare(BeginPrepareMessage begin) throws IOException {
        json.writeStringField("gid", begin.gid());
        writeLsn("prepare_lsn", begin.prepareLsn());
        writeLsn("end_lsn", begin.endLsn());
        writeTime("prepare_time", begin.prepareTimeMicros());
    }

    private void writePrepare(PrepareMessage prepare) throws IOException {
        json.writeStringField("gid", prepare.gid());
        writeLsn("prepare_lsn", prepare.prepareLsn());
        writeLsn("end_lsn", prepare.endLsn());
        writeTime("prepare_time", prepare.prepareTimeMicros());
    }

    private void writeCommitPrepared(CommitPreparedMessage commit) throws IOException {
        json.writeStringField("gid", commit.gid());
        writeLsn("commit_lsn", commit.commitLsn());
        writeLsn("end_lsn", commit.endLsn());
        writeTime("commit_time", commit.commitTimeMicros());
    }

    private void writeRollbackPrepared(RollbackPreparedMessage rollback) throws IOException {
        json.writeStringField("gid", rollback.gid());
        writeLsn("prepare_end_lsn", rollback.prepareEndLsn());
        writeLsn("rollback_end_lsn", rollback.rollbackEndLsn());
        writeTime("prepare_time", rollback.prepareTimeMicros());
        writeTime("rollback_time", rollback.rollbackTimeMicros());
    }

    private void writeLsn(String field, long lsn) throws IOException {
        json.writeStringField(field, Lsn.format(lsn));
    }

    /** ISO-8601 UTC with microseconds, e.g. {@code 2024-05-01T10:15:30.123456Z}; infinities as words. */
    private void writeTime(String field, long pgMicros) throws IOException {
        if (pgMicros == PgTime.INFINITY) {
            json.writeStringField(field, "infinity");
        } else if (pgMicros == PgTime.NEGATIVE_INFINITY) {
            json.writeStringField(field, "-infinity");
        } else {
            json.writeStringField(field, PgTime.toInstant(pgMicros).toString());
        }
    }

    static String replicaIdentityName(byte identity) {
        switch (identity) {
            case RelationInfo.IDENTITY_DEFAULT:
                return "default";
            case RelationInfo.IDENTITY_NOTHING:
                return "nothing";
            case RelationInfo.IDENTITY_FULL:
                return "full";
            case RelationInfo.IDENTITY_INDEX:
                return "index";
            default:
                return "0x" + Integer.toHexString(identity & 0xFF);
        }
    }

    /** The content as text when it is valid UTF-8, else {@code null}. */
    static String utf8OrNull(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
