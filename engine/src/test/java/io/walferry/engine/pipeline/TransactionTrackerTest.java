package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import io.walferry.engine.EngineException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransactionTrackerTest {
    private final PgOutputDecoder decoder = new PgOutputDecoder(4);
    private final TransactionTracker tracker = new TransactionTracker();

    @BeforeEach
    void describeTheRelation() {
        track(Messages.relation(null));
    }

    private boolean track(UnsafeBuffer message) {
        MessageType type = decoder.wrap(message, 0, message.capacity());
        return tracker.track(decoder, type, 0x10);
    }

    @Test
    void shouldBeBetweenTransactionsOnlyOutsideBeginAndCommit() {
        assertThat(tracker.isBetweenTransactions()).isTrue();
        track(Messages.begin(0x100, 5));
        assertThat(tracker.isBetweenTransactions()).isFalse();
        track(Messages.relation(null));
        track(Messages.insert(null, 1));
        assertThat(tracker.isBetweenTransactions()).isFalse();

        assertThat(track(Messages.commit(0x100, 0x130, 42))).isTrue();

        assertThat(tracker.isBetweenTransactions()).isTrue();
        assertThat(tracker.lastCommitEndLsn()).isEqualTo(0x130);
        assertThat(tracker.lastChangedCommitEndLsn()).isEqualTo(0x130);
        assertThat(tracker.lastCommitTimeMicros()).isEqualTo(42);
    }

    @Test
    void shouldNotCountAnEmptyTransactionAsOneToMakeDurable() {
        track(Messages.begin(0x100, 5));
        track(Messages.insert(null, 1));
        track(Messages.commit(0x100, 0x130, 0));

        track(Messages.begin(0x200, 6));
        track(Messages.commit(0x200, 0x230, 0));

        assertThat(tracker.lastCommitEndLsn()).isEqualTo(0x230);
        assertThat(tracker.lastChangedCommitEndLsn()).isEqualTo(0x130);
    }

    @Test
    void shouldKeepAStreamedTransactionOpenAcrossItsBlocksUntilStreamCommit() {
        track(Messages.streamStart(9, true));
        track(Messages.relation(9));
        track(Messages.insert(9, 1));
        track(Messages.streamStop());
        assertThat(tracker.isBetweenTransactions()).isFalse();
        assertThat(tracker.openStreamedTransactions()).isEqualTo(1);

        track(Messages.begin(0x100, 10));
        track(Messages.insert(null, 2));
        track(Messages.commit(0x100, 0x130, 0));
        assertThat(tracker.isBetweenTransactions()).isFalse();

        track(Messages.streamStart(9, false));
        track(Messages.insert(9, 3));
        track(Messages.streamStop());
        assertThat(track(Messages.streamCommit(9, 0x200, 0x230))).isTrue();

        assertThat(tracker.isBetweenTransactions()).isTrue();
        assertThat(tracker.lastChangedCommitEndLsn()).isEqualTo(0x230);
    }

    @Test
    void shouldCloseAStreamedTransactionOnlyAtItsTopLevelAbort() {
        track(Messages.streamStart(9, true));
        track(Messages.streamStop());
        track(Messages.streamAbort(9, 11));
        assertThat(tracker.isBetweenTransactions()).isFalse();

        track(Messages.streamAbort(9, 9));

        assertThat(tracker.isBetweenTransactions()).isTrue();
        assertThat(tracker.lastChangedCommitEndLsn()).isZero();
    }

    @Test
    void shouldForgetOpenTransactionsButNotCommitsOnANewStream() {
        track(Messages.begin(0x100, 5));
        track(Messages.insert(null, 1));
        track(Messages.commit(0x100, 0x130, 0));
        track(Messages.begin(0x200, 6));
        track(Messages.streamStart(9, true));

        tracker.resetStream();

        assertThat(tracker.isBetweenTransactions()).isTrue();
        assertThat(tracker.lastChangedCommitEndLsn()).isEqualTo(0x130);
    }

    @Test
    void shouldRefuseACommitWithoutBegin() {
        assertThatThrownBy(() -> track(Messages.commit(0x100, 0x130, 0)))
                .isInstanceOf(EngineException.class)
                .hasMessage("COMMIT message at LSN 0/10 arrived out of order: no transaction is open"
                        + " (expected: BEGIN first); stopping without confirming it");
    }

    @Test
    void shouldRefuseTwoPhaseMessagesItDidNotAskFor() {
        assertThatThrownBy(() -> track(Messages.commitPrepared()))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("COMMIT PREPARED message at LSN 0/10")
                .hasMessageContaining("without two_phase");
    }
}
