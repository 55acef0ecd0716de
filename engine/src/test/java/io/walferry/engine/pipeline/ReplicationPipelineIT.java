package io.walferry.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.decoder.Lsn;
import io.walferry.decoder.MessageType;
import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.peek.TablePattern;
import io.walferry.testkit.AllPgVersions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The pipeline against real servers: a source of each version, a PostgreSQL 17 target, and
 * {@link TargetTableHandler} writing what it receives into the target.
 */
class ReplicationPipelineIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int NEWEST = 17;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldDeliverEveryMessageInOrderAndConfirmWhatIsDurable(int version) throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(version, "pipeline_order")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY, note text)");
            TargetTableHandler handler = fixture.handler();
            PipelineResult result;
            List<String> expected = new ArrayList<>();
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), handler)) {
                fixture.awaitStreaming();
                for (int tx = 0; tx < 20; tx++) {
                    int first = tx * 3;
                    fixture.sourceTransaction("INSERT INTO items VALUES (" + first + ", 'a'), (" + (first + 1)
                                    + ", 'b'), (" + (first + 2) + ", 'c')",
                            "UPDATE items SET note = 'changed' WHERE id = " + first,
                            "DELETE FROM items WHERE id = " + (first + 1));
                    expected.addAll(List.of("insert:" + first, "insert:" + (first + 1), "insert:" + (first + 2),
                            "update:" + first, "delete:" + (first + 1)));
                }
                Await.until("all 100 changes are applied", TIMEOUT, () -> fixture.appliedCount() == 100);
                long durable = handler.durableLsn();
                Await.until("the slot confirms the durable LSN " + Lsn.format(durable), TIMEOUT,
                        () -> Lsn.compare(fixture.slotConfirmedLsn(), durable) >= 0);
                result = runner.stop();
            }

            assertThat(fixture.appliedRows()).containsExactlyElementsOf(expected);
            assertThat(handler.deliveredCommitEnds()).hasSizeGreaterThanOrEqualTo(20).isSorted();
            assertThat(handler.openedWith()).containsExactly(version >= 16 ? 4 : version == 15 ? 3 : 2);
            assertThat(handler.isClosed()).isTrue();
            assertThat(result.reason()).isEqualTo(PipelineResult.StopReason.STOP_REQUESTED);
            assertThat(result.changesApplied()).isEqualTo(100);
            assertThat(result.transactionsApplied()).isGreaterThanOrEqualTo(20);
            assertThat(Lsn.compare(result.confirmedLsn(), handler.durableLsn())).isGreaterThanOrEqualTo(0);
            fixture.awaitSlotReleased();
            assertThat(Lsn.format(fixture.slotConfirmedLsn())).isEqualTo(Lsn.format(result.confirmedLsn()));
        }
    }

    @Test
    void shouldNotConfirmATransactionBeforeTheHandlerCommitsIt() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_durable")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger commits = new AtomicInteger();
            AtomicLong blockedEnd = new AtomicLong();
            TargetTableHandler handler = fixture.handler().onCommit(endLsn -> {
                if (commits.incrementAndGet() == 2) {
                    blockedEnd.set(endLsn);
                    blocked.countDown();
                    release.await();
                }
            });
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), handler)) {
                fixture.awaitStreaming();
                fixture.sourceTransaction("INSERT INTO items VALUES (1)");
                fixture.sourceTransaction("INSERT INTO items VALUES (2)");
                assertThat(blocked.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                long firstEnd = handler.durableLsn();
                long secondEnd = blockedEnd.get();
                Await.until("the slot confirms the first transaction", TIMEOUT,
                        () -> Lsn.compare(fixture.slotConfirmedLsn(), firstEnd) >= 0);

                // WAL the pipeline does not publish moves the server's position past the blocked transaction;
                // once the reader has reported receiving it, its flush position is on record too.
                fixture.writeElsewhere();
                long elsewhere = fixture.currentWalLsn();
                Await.until("the walsender reports the WAL written elsewhere as received", TIMEOUT,
                        () -> Lsn.compare(fixture.walsenderLsn("write_lsn"), elsewhere) >= 0);
                assertThat(Lsn.compare(fixture.walsenderLsn("flush_lsn"), secondEnd)).isNegative();
                assertThat(Lsn.compare(fixture.slotConfirmedLsn(), secondEnd)).isNegative();

                release.countDown();
                Await.until("the slot confirms the second transaction", TIMEOUT,
                        () -> Lsn.compare(fixture.slotConfirmedLsn(), secondEnd) >= 0);
                runner.stop();
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldAdvanceTheSlotPastWalThatIsNotPublished(int version) throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(version, "pipeline_idle")) {
            fixture.source("CREATE TABLE published (id bigint PRIMARY KEY)",
                    "CREATE TABLE unpublished (id bigint PRIMARY KEY)");
            PipelineConfig config = fixture.config().withTables(List.of(TablePattern.parse("published")), List.of());
            TargetTableHandler handler = fixture.handler();
            try (PipelineRunner runner = new PipelineRunner(config, handler)) {
                fixture.awaitStreaming();
                fixture.sourceTransaction("INSERT INTO published VALUES (1)");
                Await.until("the published row is applied", TIMEOUT, () -> fixture.appliedCount() == 1);

                for (int i = 0; i < 5; i++) {
                    fixture.sourceTransaction("INSERT INTO unpublished VALUES (" + i + ")");
                }
                fixture.writeElsewhere();
                long idleTarget = fixture.currentWalLsn();

                Await.until("the slot is confirmed past " + Lsn.format(idleTarget), TIMEOUT,
                        () -> Lsn.compare(fixture.slotConfirmedLsn(), idleTarget) >= 0);
                assertThat(fixture.appliedCount()).isEqualTo(1);
                runner.stop();
            }
        }
    }

    @Test
    void shouldExitWhenCaughtUpWithTheBacklog() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_caught_up")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            PipelineConfig config = fixture.config().withExitWhenCaughtUp(true);
            try (PipelineRunner first = new PipelineRunner(config, fixture.handler())) {
                assertThat(first.await(TIMEOUT).reason()).isEqualTo(PipelineResult.StopReason.CAUGHT_UP);
            }
            long backlogEnd = 0;
            for (int tx = 0; tx < 50; tx++) {
                backlogEnd = fixture.sourceTransaction("INSERT INTO items SELECT generate_series(" + tx * 10 + ", "
                        + (tx * 10 + 9) + ")");
            }

            PipelineResult result;
            try (PipelineRunner second = new PipelineRunner(config, fixture.handler())) {
                result = second.await(TIMEOUT);
            }

            assertThat(result.reason()).isEqualTo(PipelineResult.StopReason.CAUGHT_UP);
            assertThat(fixture.appliedCount()).isEqualTo(500);
            assertThat(result.changesApplied()).isEqualTo(500);
            assertThat(Lsn.compare(result.confirmedLsn(), backlogEnd)).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void shouldResumeFromTheSlotWithoutRedeliveringDurableTransactions() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_resume")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            PipelineResult first;
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), fixture.handler())) {
                fixture.awaitStreaming();
                for (int id = 1; id <= 3; id++) {
                    fixture.sourceTransaction("INSERT INTO items VALUES (" + id + ")");
                }
                Await.until("3 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 3);
                first = runner.stop();
            }
            fixture.sourceTransaction("INSERT INTO items VALUES (4)");
            fixture.sourceTransaction("INSERT INTO items VALUES (5)");

            TargetTableHandler handler = fixture.handler();
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), handler)) {
                Await.until("5 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 5);
                runner.stop();
            }

            assertThat(handler.deliveredCommitEnds()).hasSize(2)
                    .allSatisfy(end -> assertThat(Lsn.compare(end, first.durableLsn())).isPositive());
            assertThat(fixture.appliedRows()).containsExactly("insert:1", "insert:2", "insert:3", "insert:4",
                    "insert:5");
        }
    }

    @Test
    void shouldHaltWhenTheHandlerFailsAndKeepTheSlotAtTheLastDurableTransaction() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_halt")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            TargetTableHandler failing = fixture.handler().onRow(id -> {
                if (id == 3) {
                    throw new IllegalStateException("row 3 is refused");
                }
            });
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), failing)) {
                fixture.awaitStreaming();
                for (int id = 1; id <= 4; id++) {
                    fixture.sourceTransaction("INSERT INTO items VALUES (" + id + ")");
                }
                assertThatThrownBy(() -> runner.await(TIMEOUT))
                        .isInstanceOf(ApplyFailedException.class)
                        .hasMessageContaining("applying the stream up to the INSERT message at LSN")
                        .hasMessageContaining("row 3 is refused")
                        .hasRootCauseMessage("row 3 is refused");
            }
            long durable = failing.durableLsn();
            List<TargetTableHandler.Delivered> delivered = failing.delivered();
            assertThat(delivered.get(delivered.size() - 1).type()).isEqualTo(MessageType.INSERT);
            assertThat(failing.isClosed()).isTrue();
            fixture.awaitSlotReleased();
            long confirmedAfterFailure = fixture.slotConfirmedLsn();
            assertThat(Lsn.compare(confirmedAfterFailure, durable)).isGreaterThanOrEqualTo(0);

            TargetTableHandler healthy = fixture.handler();
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), healthy)) {
                Await.until("all 4 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 4);
                runner.stop();
            }
            long thirdEnd = healthy.deliveredCommitEnds().get(0);
            assertThat(Lsn.compare(confirmedAfterFailure, thirdEnd)).isNegative();
            assertThat(fixture.appliedRows()).containsExactly("insert:1", "insert:2", "insert:3", "insert:4");
        }
    }

    @Test
    void shouldReconnectAfterTheWalsenderIsTerminatedAndLoseNothing() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_reconnect")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            TargetTableHandler handler = fixture.handler();
            PipelineResult result;
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), handler)) {
                fixture.awaitStreaming();
                for (int id = 1; id <= 10; id++) {
                    fixture.sourceTransaction("INSERT INTO items VALUES (" + id + ")");
                }
                Await.until("10 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 10);
                int walsender = fixture.slotActivePid();
                fixture.source("SELECT pg_terminate_backend(" + walsender + ")");
                for (int id = 11; id <= 20; id++) {
                    fixture.sourceTransaction("INSERT INTO items VALUES (" + id + ")");
                }
                Await.until("20 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 20);
                Await.until("a new walsender streams", TIMEOUT,
                        () -> fixture.slotActivePid() != 0 && fixture.slotActivePid() != walsender);
                result = runner.stop();
            }

            assertThat(result.reconnects()).isGreaterThanOrEqualTo(1);
            assertThat(handler.openedWith()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(fixture.targetLong("SELECT count(DISTINCT id) FROM applied")).isEqualTo(20);
            assertThat(fixture.appliedCount()).isEqualTo(20);
        }
    }

    @Test
    void shouldReconnectWhenNothingArrivesForTheReceiveTimeoutAndLoseNothing() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_silent")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            TargetTableHandler handler = fixture.handler();
            PipelineResult result;
            try (PipelineRunner runner = new PipelineRunner(fixture.config().withReceiveTimeoutMs(1_500), handler)) {
                fixture.awaitStreaming();
                fixture.sourceTransaction("INSERT INTO items SELECT generate_series(1, 10)");
                Await.until("10 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 10);
                int walsender = fixture.slotActivePid();
                // A negative to prove, so a plain wait: an idle but live stream, whose walsender sends
                // nothing unless asked, lasts twice the receive timeout without a reconnect.
                Thread.sleep(3_000);
                assertThat(handler.openedWith()).as("sessions opened by an idle, live stream").hasSize(1);
                assertThat(fixture.slotActivePid()).isEqualTo(walsender);
                // A walsender that stops answering, as over a network that silently drops packets:
                // no FIN, no reset, no keepalive.
                signal("STOP", walsender);
                try {
                    fixture.sourceTransaction("INSERT INTO items SELECT generate_series(11, 20)");
                    Await.until("the pipeline gives up on the silent connection and connects again", TIMEOUT,
                            () -> fixture.sessionsOfPipeline(walsender) > 0);
                } finally {
                    signal("CONT", walsender);
                }
                Await.until("20 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 20);
                Await.until("a new walsender streams", TIMEOUT,
                        () -> fixture.slotActivePid() != 0 && fixture.slotActivePid() != walsender);
                result = runner.stop();
            }

            assertThat(result.reconnects()).isGreaterThanOrEqualTo(1);
            assertThat(fixture.targetLong("SELECT count(DISTINCT id) FROM applied")).isEqualTo(20);
            assertThat(fixture.appliedCount()).isEqualTo(20);
        }
    }

    private static void signal(String name, int pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Integer.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", name, pid).isZero();
    }

    @Test
    void shouldRefuseToCreateANewSlotForAPipelineWithState() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_lost")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            PipelineResult first;
            try (PipelineRunner runner = new PipelineRunner(fixture.config(), fixture.handler())) {
                fixture.awaitStreaming();
                fixture.sourceTransaction("INSERT INTO items VALUES (1)");
                Await.until("the row is applied", TIMEOUT, () -> fixture.appliedCount() == 1);
                first = runner.stop();
            }
            fixture.dropSlot();

            try (PipelineRunner runner = new PipelineRunner(fixture.config(), fixture.handler())) {
                assertThatThrownBy(() -> runner.await(TIMEOUT))
                        .isInstanceOfSatisfying(EngineException.class,
                                e -> assertThat(e.failure()).isEqualTo(Failure.SOURCE_NOT_READY))
                        .hasMessageContaining("replication slot " + fixture.slotName() + " does not exist")
                        .hasMessageContaining("up to LSN " + Lsn.format(first.durableLsn()))
                        .hasMessageContaining("are lost to this pipeline")
                        .hasMessageContaining("will not create a new slot");
            }
            assertThat(fixture.slotConfirmedLsn()).isEqualTo(-1);
        }
    }

    @Test
    void shouldNameTheProcessThatUsesTheSlot() throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(NEWEST, "pipeline_busy")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY)");
            try (PipelineRunner running = new PipelineRunner(fixture.config(), fixture.handler())) {
                fixture.awaitStreaming();
                int walsender = fixture.slotActivePid();
                PipelineConfig second = fixture.config().withSlotReleaseWaitMs(200);
                try (PipelineRunner runner = new PipelineRunner(second, fixture.handler())) {
                    assertThatThrownBy(() -> runner.await(TIMEOUT))
                            .isInstanceOf(EngineException.class)
                            .hasMessageContaining("replication slot " + fixture.slotName())
                            .hasMessageContaining("in use by the server process with PID " + walsender)
                            .hasMessageContaining("pg_terminate_backend(" + walsender + ")");
                }
                assertThat(running.isDone()).isFalse();
                running.stop();
            }
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldStreamALargeTransactionWhileItIsStillOpenOnTheSource(int version) throws Exception {
        try (PipelineFixture fixture = PipelineFixture.create(version, "pipeline_large")) {
            fixture.source("CREATE TABLE items (id bigint PRIMARY KEY, payload text)");
            TargetTableHandler handler = fixture.handler();
            PipelineConfig config = fixture.config().withRing(16, 64);
            try (PipelineRunner runner = new PipelineRunner(config, handler);
                 Connection source = fixture.connectSource(); Statement statement = source.createStatement()) {
                fixture.awaitStreaming();
                source.setAutoCommit(false);
                statement.execute("INSERT INTO items SELECT i, repeat('x', 100) FROM generate_series(1, 5000) i");

                Await.until("changes of the open transaction reach the handler", TIMEOUT,
                        () -> handler.count(MessageType.INSERT) >= 1000);
                assertThat(handler.count(MessageType.STREAM_START)).isPositive();
                assertThat(handler.count(MessageType.STREAM_COMMIT)).isZero();

                source.commit();
                Await.until("all 5000 rows are applied", TIMEOUT, () -> fixture.appliedCount() == 5000);
                assertThat(handler.count(MessageType.STREAM_COMMIT)).isEqualTo(1);
                runner.stop();
            }
        }
    }
}
