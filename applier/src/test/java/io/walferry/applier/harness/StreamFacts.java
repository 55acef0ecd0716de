package io.walferry.applier.harness;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.decoder.TupleData;
import io.walferry.decoder.UpdateMessage;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a captured pgoutput stream holds, counted, so that a test can show that its workload reached
 * the cases it is about (an unchanged TOAST value actually sent as {@code 'u'}, a key change actually
 * sent with the old key, a transaction actually streamed in progress), and where it ends.
 *
 * @param messages              messages in the stream
 * @param transactions          committed transactions (Commit and Stream Commit)
 * @param streamedTransactions  transactions streamed in progress (Stream Start of a first segment)
 * @param subtransactionAborts  Stream Abort of a subtransaction (a savepoint rolled back in a streamed transaction)
 * @param inserts               Insert messages
 * @param updates               Update messages
 * @param keyChanges            Update messages with the old key ({@code 'K'}): the replica identity changed
 * @param fullOldRows           Update and Delete messages with the whole old row ({@code 'O'}: REPLICA IDENTITY FULL)
 * @param unchangedToastValues  columns of new tuples sent as unchanged TOAST ({@code 'u'})
 * @param deletes               Delete messages
 * @param truncates             Truncate messages
 * @param lastCommitEndLsn      the end LSN of the last commit: a handler given the whole stream is done at it
 */
public record StreamFacts(int messages, int transactions, int streamedTransactions, int subtransactionAborts,
                          int inserts, int updates, int keyChanges, int fullOldRows, int unchangedToastValues,
                          int deletes, int truncates, long lastCommitEndLsn) {

    /** Counts {@code stream}, which runs pgoutput {@code protocolVersion}. */
    public static StreamFacts of(int protocolVersion, List<ReplicationFixture.Captured> stream) {
        PgOutputDecoder decoder = new PgOutputDecoder(protocolVersion);
        Counter counter = new Counter();
        for (ReplicationFixture.Captured message : stream) {
            counter.count(decoder, decoder.wrap(new UnsafeBuffer(message.bytes()), 0, message.bytes().length));
        }
        return new StreamFacts(stream.size(), counter.transactions, counter.streamed, counter.subtransactionAborts,
                counter.inserts, counter.updates, counter.keyChanges, counter.fullOldRows, counter.unchangedToast,
                counter.deletes, counter.truncates, counter.lastCommitEndLsn);
    }

    private static final class Counter {
        int transactions;
        int streamed;
        int subtransactionAborts;
        int inserts;
        int updates;
        int keyChanges;
        int fullOldRows;
        int unchangedToast;
        int deletes;
        int truncates;
        long lastCommitEndLsn;

        void count(PgOutputDecoder decoder, MessageType type) {
            switch (type) {
                case COMMIT -> commit(decoder.commit().endLsn());
                case STREAM_COMMIT -> commit(decoder.streamCommit().endLsn());
                case STREAM_START -> streamed += decoder.streamStart().firstSegment() ? 1 : 0;
                case STREAM_ABORT -> subtransactionAborts += decoder.streamAbort().topLevel() ? 0 : 1;
                case INSERT -> inserts++;
                case UPDATE -> update(decoder.update());
                case DELETE -> {
                    deletes++;
                    fullOldRows += decoder.delete().oldTupleKind() == UpdateMessage.OLD_ROW ? 1 : 0;
                }
                case TRUNCATE -> truncates++;
                default -> {
                    // Begin, Relation, Type, Stream Stop...: nothing to count
                }
            }
        }

        private void commit(long endLsn) {
            transactions++;
            lastCommitEndLsn = Lsn.max(lastCommitEndLsn, endLsn);
        }

        private void update(UpdateMessage update) {
            updates++;
            keyChanges += update.oldTupleKind() == UpdateMessage.OLD_KEY ? 1 : 0;
            fullOldRows += update.oldTupleKind() == UpdateMessage.OLD_ROW ? 1 : 0;
            TupleData tuple = update.newTuple();
            for (int i = 0; i < tuple.columnCount(); i++) {
                unchangedToast += tuple.isUnchangedToast(i) ? 1 : 0;
            }
        }
    }

    @Override
    public String toString() {
        return messages + " messages: " + transactions + " transactions (" + streamedTransactions + " streamed, "
                + subtransactionAborts + " subtransaction aborts), " + inserts + " inserts, " + updates + " updates ("
                + keyChanges + " key changes, " + unchangedToastValues + " unchanged TOAST values), " + deletes
                + " deletes, " + fullOldRows + " full old rows, " + truncates + " truncates; last commit ends at "
                + Lsn.format(lastCommitEndLsn);
    }
}
