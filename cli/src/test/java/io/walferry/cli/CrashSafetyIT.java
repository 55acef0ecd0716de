package io.walferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.cli.CrashWorkload.Committed;
import io.walferry.cli.CrashWorkload.Effect;
import io.walferry.decoder.Lsn;
import io.walferry.testkit.TestPostgres;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crash safety of {@code walferry replicate}: a child walferry process is killed with SIGKILL again
 * and again while a write workload runs on the source ({@link CrashWorkload}: small transactions,
 * key changes, a keyless table where a double apply shows as an extra row, and large transactions
 * the server streams in progress), and restarted each time; at the end the target must equal the
 * source row for row.
 *
 * <p>After every kill, once the killed process's walsender has let go of the slot: the target must
 * hold exactly the effect of transactions 1..n (n being the target's counter), its recorded progress
 * must be transaction n's commit, and the slot must not have confirmed any later transaction. Kills
 * alternate between a random 1-3 s after the process started (some land while it starts up) and a
 * random 0-2 s after its stream started.
 *
 * <p>The random choices come from a seed printed in every failure; rerun one with
 * {@code -Dwalferry.crash.seed=<seed>} (thread timing still varies).
 */
class CrashSafetyIT {
    private static final Duration WORKLOAD = Duration.ofSeconds(20);
    private static final int MIN_KILLS = 4;
    private static final int MAX_KILLS = 40;
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(3);

    private ReplicaPair pair;
    private String slot;
    private String pipeline;
    private String seedNote;
    private int killsWhileStreaming;
    private int killsWithTargetWrites;
    private int checks;
    private String finalPositions;

    @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
    @CsvSource({"17, 17", "14, 17"})
    void shouldLoseNothingAndApplyNothingTwiceWhenKilledRepeatedlyUnderLoad(int sourceVersion, int targetVersion)
            throws Exception {
        long seed = Long.getLong("walferry.crash.seed", System.nanoTime());
        seedNote = "seed " + seed + " (rerun with -Dwalferry.crash.seed=" + seed + ")";
        pipeline = "it_crash_" + sourceVersion + "_" + targetVersion;
        slot = "walferry_" + pipeline;
        long started = System.nanoTime();
        try (ReplicaPair replicas = new ReplicaPair(TestPostgres.pair(sourceVersion, targetVersion), "crash", pipeline)) {
            pair = replicas;
            pair.schema(CrashWorkload.SCHEMA);
            CommandRun created = CommandRun.run(pair.replicate("--apply-mode", "transactional", "--exit-when-caught-up"));
            assertThat(created.exitCode()).as(created.toString()).isZero();

            try (CrashWorkload workload = new CrashWorkload(pair.source, WORKLOAD, seed)) {
                workload.start();
                int kills = killRepeatedly(workload, new Random(seed));
                workload.awaitEnd();
                long catchUpStarted = System.nanoTime();
                catchUp();
                double catchUpSeconds = (System.nanoTime() - catchUpStarted) / 1e9;

                assertTargetEqualsSource(workload);
                System.out.printf("CrashSafetyIT %d -> %d, %s: %d kills (%d while streaming, %d with a target"
                        + " transaction holding writes), %d prefix checks; %d transactions committed, %d rolled back;"
                        + " final catch-up %.1f s; %s; in all %.1f s%n", sourceVersion, targetVersion, seedNote, kills,
                        killsWhileStreaming, killsWithTargetWrites, checks, workload.ledger().size(),
                        workload.rolledBack(), catchUpSeconds, finalPositions, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** Starts, kills and restarts walferry while the workload runs, and at least {@value #MIN_KILLS} times. */
    private int killRepeatedly(CrashWorkload workload, Random random) throws Exception {
        int kills = 0;
        while ((workload.running() || kills < MIN_KILLS) && kills < MAX_KILLS) {
            boolean afterStreamStart = kills % 2 == 1;
            try (WalferryProcess child = WalferryProcess.start(List.of(), pair.replicate("--apply-mode", "transactional"))) {
                if (afterStreamStart) {
                    awaitStreaming(child);
                }
                long lifeMs = afterStreamStart ? random.nextInt(2001) : 1000 + random.nextInt(2001);
                assertThat(child.awaitExitFor(Duration.ofMillis(lifeMs)))
                        .as("walferry ended by itself; %s\n%s", seedNote, child.log()).isFalse();
                observeBeforeKill();
                int exit = child.kill();
                assertThat(exit).as("exit value of walferry after SIGKILL; %s\n%s", seedNote, child.log())
                        .isEqualTo(WalferryProcess.SIGKILL_EXIT);
                kills++;
                awaitSlotReleased();
                assertTargetIsAPrefixOfTheSource(workload, child);
            }
        }
        return kills;
    }

    /** Waits until a walsender streams from the slot for {@code child}. */
    private void awaitStreaming(WalferryProcess child) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND active") == 0) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("walferry did not start streaming; " + seedNote + "\n" + child.log());
            }
            Thread.sleep(20); // polling the catalog: a stream's start has no event to wait on
        }
    }

    /** Notes whether the kill lands on a live stream and on open target writes. */
    private void observeBeforeKill() throws SQLException {
        long walsender = pair.source.count("SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots"
                + " WHERE slot_name = '" + slot + "'");
        long writing = pair.target.count("SELECT count(*) FROM pg_stat_activity WHERE datname = ?"
                + " AND application_name = 'walferry apply " + pipeline + "' AND backend_xid IS NOT NULL");
        killsWhileStreaming += walsender != 0 ? 1 : 0;
        killsWithTargetWrites += writing > 0 ? 1 : 0;
    }

    private void awaitSlotReleased() throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND active") > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("slot " + slot + " still in use " + AWAIT.toSeconds() + " s after walferry"
                        + " was killed; " + seedNote);
            }
            Thread.sleep(20); // polling the catalog: the walsender's exit has no event to wait on
        }
    }

    /**
     * With no walferry running: the target holds exactly the effect of source transactions 1..n,
     * where n is its counter, and records transaction n's commit as its progress; the slot's
     * confirmed position covers no transaction after n, so a restart cannot skip one.
     */
    private void assertTargetIsAPrefixOfTheSource(CrashWorkload workload, WalferryProcess killed) throws Exception {
        long confirmed = confirmedFlushLsn();
        TargetState target = targetState();
        String context = seedNote + ", after kill (confirmed_flush_lsn " + Lsn.format(confirmed) + ", target counter "
                + target.n + ", recorded end LSN " + Lsn.format(target.endLsn) + ")\n" + killed.log();
        assertThat(target.effect).as("row counts and balance sum on the target; %s", context)
                .isEqualTo(workload.effectUpTo(target.n));
        assertRecordedProgressIsTransaction(workload, target, context);
        for (Committed later : workload.ledger().tailMap(target.n, false).values()) {
            assertThat(Lsn.compare(later.upperLsn(), confirmed) > 0)
                    .as("the slot confirmed %s, which the target does not have; %s", later, context)
                    .isTrue();
        }
        checks++;
    }

    /**
     * The target's progress row is the end LSN of the commit of transaction n; before any, the slot's
     * start (recorded when the slot was created), which is before the first transaction's commit.
     */
    private static void assertRecordedProgressIsTransaction(CrashWorkload workload, TargetState target, String context) {
        if (target.n == 0) {
            Committed first = workload.ledger().get(1L);
            assertThat(first == null || Lsn.compare(target.endLsn, first.lowerLsn()) <= 0)
                    .as("recorded end LSN %s before any transaction is not after the first one, %s; %s",
                            Lsn.format(target.endLsn), first, context).isTrue();
            return;
        }
        Committed last = workload.ledger().get(target.n);
        assertThat(Lsn.compare(target.endLsn, last.lowerLsn()) > 0 && Lsn.compare(target.endLsn, last.upperLsn()) <= 0)
                .as("recorded end LSN %s is the commit of %s; %s", Lsn.format(target.endLsn), last, context)
                .isTrue();
    }

    /** {@code walferry replicate --exit-when-caught-up}, as a child process, to the end. */
    private void catchUp() throws Exception {
        try (WalferryProcess child = WalferryProcess.start(List.of(), pair.replicate("--apply-mode", "transactional", "--exit-when-caught-up"))) {
            assertThat(child.awaitExit(CATCH_UP_TIMEOUT)).as("%s\n%s", seedNote, child.log()).isZero();
        }
    }

    private void assertTargetEqualsSource(CrashWorkload workload) throws Exception {
        for (String table : CrashWorkload.TABLES) {
            assertThat(ReplicaPair.rows(pair.target, table)).as("rows of %s on the target; %s", table, seedNote)
                    .isEqualTo(ReplicaPair.rows(pair.source, table));
        }
        long committed = workload.ledger().size();
        assertThat(workload.ledger().keySet()).as("the workload's counter numbers its commits")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, committed).boxed().toList());
        TargetState target = targetState();
        assertThat(target.n).as("counter on the target; %s", seedNote)
                .isEqualTo(pair.source.count("SELECT n FROM counter")).isEqualTo(committed);
        assertThat(target.effect).as(seedNote).isEqualTo(workload.effectUpTo(committed));
        assertRecordedProgressIsTransaction(workload, target, seedNote);
        awaitSlotReleased();
        long confirmed = confirmedFlushLsn();
        // The slot may be past the last commit (idle advance to the server's WAL position), never behind it.
        assertThat(Lsn.compare(confirmed, target.endLsn) >= 0)
                .as("confirmed_flush_lsn %s at or past the recorded end LSN %s; %s", Lsn.format(confirmed),
                        Lsn.format(target.endLsn), seedNote)
                .isTrue();
        long insert = Lsn.parse(text(pair.source, "SELECT pg_current_wal_insert_lsn()::text"));
        finalPositions = "slot confirmed " + Lsn.format(confirmed) + ", target recorded end LSN "
                + Lsn.format(target.endLsn);
        assertThat(Lsn.compare(confirmed, insert) <= 0).as("confirmed_flush_lsn within the server's WAL").isTrue();
    }

    private long confirmedFlushLsn() throws SQLException {
        return Lsn.parse(text(pair.source, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                + " WHERE slot_name = '" + slot + "'"));
    }

    /** What the target holds, read in one snapshot. */
    private record TargetState(long n, long endLsn, Effect effect) {
    }

    private TargetState targetState() throws SQLException {
        try (Statement statement = pair.target.sql.createStatement();
             ResultSet row = statement.executeQuery("SELECT (SELECT n FROM counter WHERE id = 1),"
                     + " (SELECT end_lsn::text FROM walferry.apply_progress WHERE pipeline = '" + pipeline + "'),"
                     + " (SELECT count(*) FROM accounts), (SELECT coalesce(sum(balance), 0) FROM accounts),"
                     + " (SELECT count(*) FROM bulk), (SELECT count(*) FROM journal)")) {
            row.next();
            return new TargetState(row.getLong(1), Lsn.parse(row.getString(2)),
                    new Effect(row.getLong(3), row.getLong(4), row.getLong(5), row.getLong(6)));
        }
    }

    private static String text(SourceDatabase db, String query) throws SQLException {
        try (Statement statement = db.sql.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
