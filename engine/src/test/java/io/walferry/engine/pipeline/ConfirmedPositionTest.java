package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.decoder.MessageType;
import io.walferry.decoder.PgOutputDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfirmedPositionTest {
    private final PgOutputDecoder decoder = new PgOutputDecoder(4);
    private final TransactionTracker tracker = new TransactionTracker();
    private final ConfirmedPosition position = new ConfirmedPosition();

    @BeforeEach
    void describeTheRelation() {
        track(Messages.relation(null));
    }

    private void track(UnsafeBuffer message) {
        MessageType type = decoder.wrap(message, 0, message.capacity());
        tracker.track(decoder, type, 0x10);
    }

    private void transaction(long commitLsn, long endLsn) {
        track(Messages.begin(commitLsn, 1));
        track(Messages.insert(null, 1));
        track(Messages.commit(commitLsn, endLsn, 0));
    }

    @Test
    void shouldConfirmTheDurableLsnWhileTransactionsAreInFlight() {
        transaction(0x100, 0x130);
        transaction(0x200, 0x230);

        assertThat(position.update(0x130, tracker, 0x500, false)).isTrue();

        assertThat(position.confirmed()).isEqualTo(0x130);
    }

    @Test
    void shouldConfirmTheServerPositionOnceEverythingPublishedIsDurable() {
        transaction(0x100, 0x130);

        position.update(0x130, tracker, 0x500, false);

        assertThat(position.confirmed()).isEqualTo(0x500);
    }

    @Test
    void shouldNotConfirmTheServerPositionInsideATransaction() {
        transaction(0x100, 0x130);
        track(Messages.begin(0x200, 2));

        position.update(0x130, tracker, 0x500, false);

        assertThat(position.confirmed()).isEqualTo(0x130);
    }

    @Test
    void shouldNotConfirmTheServerPositionWhileAStreamedTransactionIsOpen() {
        track(Messages.streamStart(9, true));
        track(Messages.streamStop());

        position.update(0, tracker, 0x500, false);

        assertThat(position.confirmed()).isZero();
    }

    @Test
    void shouldAdvancePastEmptyTransactionsWithoutWaitingForTheHandler() {
        transaction(0x100, 0x130);
        track(Messages.begin(0x200, 2));
        track(Messages.commit(0x200, 0x230, 0));

        position.update(0x130, tracker, 0x230, false);

        assertThat(position.confirmed()).isEqualTo(0x230);
    }

    @Test
    void shouldNotAdvanceWhenFrozen() {
        transaction(0x100, 0x130);

        position.update(0x130, tracker, 0x500, true);

        assertThat(position.confirmed()).isEqualTo(0x130);
    }

    @Test
    void shouldOnlyMoveForward() {
        position.seed(0x400);

        assertThat(position.update(0x130, tracker, 0x200, false)).isFalse();

        assertThat(position.confirmed()).isEqualTo(0x400);
    }

    @Test
    void shouldCompareLsnsUnsigned() {
        long high = 0x8000_0000_0000_0010L;
        position.update(high, tracker, 0, false);

        position.update(0x10, tracker, 0x20, false);

        assertThat(position.confirmed()).isEqualTo(high);
    }
}
