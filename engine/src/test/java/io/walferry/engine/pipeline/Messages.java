package io.walferry.engine.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;

/** pgoutput messages built by hand, big-endian, as the protocol documentation lays them out. */
final class Messages {
    static final int RELATION_ID = 16384;

    private Messages() {
    }

    static UnsafeBuffer begin(long finalLsn, int xid) {
        return message('B', 8 + 8 + 4).putLong(finalLsn).putLong(0).putInt(xid).done();
    }

    static UnsafeBuffer commit(long commitLsn, long endLsn, long commitTimeMicros) {
        return message('C', 1 + 8 + 8 + 8).put((byte) 0).putLong(commitLsn).putLong(endLsn).putLong(commitTimeMicros).done();
    }

    /** Relation {@code public.items (id int8)}, with the xid prefix inside a streamed block. */
    static UnsafeBuffer relation(Integer streamXid) {
        byte[] schema = "public".getBytes(StandardCharsets.UTF_8);
        byte[] name = "items".getBytes(StandardCharsets.UTF_8);
        byte[] column = "id".getBytes(StandardCharsets.UTF_8);
        int size = (streamXid == null ? 0 : 4) + 4 + schema.length + 1 + name.length + 1 + 1 + 2 + 1 + column.length + 1 + 4 + 4;
        Builder builder = message('R', size);
        if (streamXid != null) {
            builder.putInt(streamXid);
        }
        return builder.putInt(RELATION_ID).putString(schema).putString(name).put((byte) 'd').putShort((short) 1)
                .put((byte) 1).putString(column).putInt(20).putInt(-1).done();
    }

    /** Insert of {@code id} into the relation of {@link #relation(Integer)}. */
    static UnsafeBuffer insert(Integer streamXid, long id) {
        byte[] value = Long.toString(id).getBytes(StandardCharsets.UTF_8);
        Builder builder = message('I', (streamXid == null ? 0 : 4) + 4 + 1 + 2 + 1 + 4 + value.length);
        if (streamXid != null) {
            builder.putInt(streamXid);
        }
        return builder.putInt(RELATION_ID).put((byte) 'N').putShort((short) 1).put((byte) 't').putInt(value.length)
                .put(value).done();
    }

    static UnsafeBuffer streamStart(int xid, boolean first) {
        return message('S', 4 + 1).putInt(xid).put((byte) (first ? 1 : 0)).done();
    }

    static UnsafeBuffer streamStop() {
        return message('E', 0).done();
    }

    static UnsafeBuffer streamCommit(int xid, long commitLsn, long endLsn) {
        return message('c', 4 + 1 + 8 + 8 + 8).putInt(xid).put((byte) 0).putLong(commitLsn).putLong(endLsn)
                .putLong(0).done();
    }

    static UnsafeBuffer streamAbort(int xid, int subXid) {
        return message('A', 4 + 4).putInt(xid).putInt(subXid).done();
    }

    static UnsafeBuffer commitPrepared() {
        byte[] gid = "g1".getBytes(StandardCharsets.UTF_8);
        return message('K', 1 + 8 + 8 + 8 + 4 + gid.length + 1).put((byte) 0).putLong(0x100).putLong(0x110)
                .putLong(0).putInt(7).putString(gid).done();
    }

    private static Builder message(char type, int size) {
        Builder builder = new Builder(ByteBuffer.allocate(1 + size));
        return builder.put((byte) type);
    }

    /** A fixed-size message being written. */
    static final class Builder {
        private final ByteBuffer bytes;

        Builder(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        Builder put(byte value) {
            bytes.put(value);
            return this;
        }

        Builder put(byte[] value) {
            bytes.put(value);
            return this;
        }

        Builder putShort(short value) {
            bytes.putShort(value);
            return this;
        }

        Builder putInt(int value) {
            bytes.putInt(value);
            return this;
        }

        Builder putLong(long value) {
            bytes.putLong(value);
            return this;
        }

        Builder putString(byte[] utf8) {
            bytes.put(utf8).put((byte) 0);
            return this;
        }

        UnsafeBuffer done() {
            if (bytes.hasRemaining()) {
                throw new IllegalStateException(bytes.remaining() + " bytes of the message left unwritten");
            }
            return new UnsafeBuffer(bytes.array());
        }
    }
}
