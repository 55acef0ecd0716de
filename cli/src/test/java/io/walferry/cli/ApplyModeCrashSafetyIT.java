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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash safety of {@code walferry replicate} in each apply mode ({@code --apply-mode}): a child
 * walferry process is killed with SIGKILL again and again while {@link CrashWorkload} writes to the
 * source (small transactions with key changes and a keyless table where a double apply shows as an
 * extra row, and large transactions the server streams in progress), and restarted each time; at the
 * end the target must equal the source row for row.
 *
 * <p>After every kill, once the walsender has let go of the slot, what holds in every mode: the slot
 * confirmed no transaction the target lacks (the target's counter, on whichever lane holds it, is at
 * least that of the last transaction the slot confirmed), and the keyless table has no more rows on the
 * target than on the source. A mode that keeps transaction boundaries must moreover hold exactly the
 * effect of transactions 1..n, n being its counter; the batched mode keeps them only where lag is
 * zero, so nothing more is asserted of it between kills.
 *
 * <p>A mode the command line does not offer yet ({@code replicate} exits 2 and names the option) is
 * skipped with that refusal as the reason, and runs as soon as it is offered. The random choices come
 * from a seed printed in every failure; rerun one with {@code -Dwalferry.crash.seed=<seed>} (thread
 * timing still varies). {@link CrashSafetyIT} checks the transactional mode further (recorded progress,
 * and a PostgreSQL 14 source).
 */
class ApplyModeCrashSafetyIT {
    private static final Duration WORKLOAD = Duration.ofSeconds(20);
    private static final int MIN_KILLS = 4;
    private static final int MAX_KILLS = 40;
    private static final int VERSION = 17;
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(3);

    /** An apply mode as {@code replicate} options. */
    enum Mode {
        TRANSACTIONAL(true, "--apply-mode", "transactional"),
        BATCHED(false, "--apply-mode", "batched", "--apply-lanes", "3");

        /** Whether the target holds whole source transactions, in commit order, at every instant. */
        final boolean keepsTransactionBoundaries;
        final List<String> options;

        Mode(boolean keepsTransactionBoundaries, String... options) {
            this.keepsTransactionBoundaries = keepsTransactionBoundaries;
            this.options = List.of(options);
        }
    }

    private Mode mode;
    private ReplicaPair pair;
    private String slot;
    private String seedNote;
    private int checks;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void shouldLoseNothingAndApplyNothingTwiceWhenKilledRepeatedlyUnderLoad(Mode applyMode) throws Exception {
        mode = applyMode;
        long seed = Long.getLong("walferry.crash.seed", System.nanoTime());
        seedNote = mode + ", seed " + seed + " (rerun with -Dwalferry.crash.seed=" + seed + ")";
        String pipeline = "it_crash_" + mode.name().toLowerCase();
        slot = "walferry_" + pipeline;
        long started = System.nanoTime();
        try (ReplicaPair replicas = new ReplicaPair(TestPostgres.pair(VERSION, VERSION), "crash_mode", pipeline)) {
            pair = replicas;
            pair.schema(CrashWorkload.SCHEMA);
            createSlotOrSkip();

            try (CrashWorkload workload = new CrashWorkload(pair.source, WORKLOAD, seed)) {
                workload.start();
                int kills = killRepeatedly(workload, new Random(seed));
                workload.awaitEnd();
                long catchUpStarted = System.nanoTime();
                catchUp();
                double catchUpSeconds = (System.nanoTime() - catchUpStarted) / 1e9;

                assertTargetEqualsSource(workload);
                System.out.printf("ApplyModeCrashSafetyIT %s: %d kills, %d checks between them; %d transactions"
                        + " committed, %d rolled back; final catch-up %.1f s; in all %.1f s%n", seedNote, kills, checks,
                        workload.ledger().size(), workload.rolledBack(), catchUpSeconds,
                        (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /**
     * The first run creates the slot and applies nothing yet. The batched mode is skipped while the
     * command line refuses it as a usage error naming one of its options.
     */
    private void createSlotOrSkip() {
        CommandRun created = CommandRun.run(replicate("--exit-when-caught-up"));
        if (mode != Mode.TRANSACTIONAL && created.exitCode() == ExitCodes.USAGE
                && mode.options.stream().anyMatch(option -> option.startsWith("--") && created.stderr().contains(option))) {
            Assumptions.abort("walferry replicate " + String.join(" ", mode.options) + " is refused (exit 2: "
                    + created.stderr().strip().lines().findFirst().orElse("") + "); this case runs as soon as the"
                    + " command line offers the mode");
        }
        assertThat(created.exitCode()).as(created.toString()).isZero();
    }

    /** {@code replicate} of the pair in this mode, streaming only, with {@code extra} options. */
    private String[] replicate(String... extra) {
        List<String> options = new ArrayList<>(mode.options);
        options.addAll(List.of(extra));
        return pair.replicate(options.toArray(new String[0]));
    }

    /** Starts, kills and restarts walferry while the workload runs, and at least {@value #MIN_KILLS} times. */
    private int killRepeatedly(CrashWorkload workload, Random random) throws Exception {
        int kills = 0;
        while ((workload.running() || kills < MIN_KILLS) && kills < MAX_KILLS) {
            boolean afterStreamStart = kills % 2 == 1;
            try (WalferryProcess child = WalferryProcess.start(List.of(), replicate())) {
                if (afterStreamStart) {
                    awaitSlot(true, child);
                }
                long lifeMs = afterStreamStart ? random.nextInt(2001) : 1000 + random.nextInt(2001);
                assertThat(child.awaitExitFor(Duration.ofMillis(lifeMs)))
                        .as("walferry ended by itself; %s\n%s", seedNote, child.log()).isFalse();
                assertThat(child.kill()).as("exit value of walferry after SIGKILL; %s\n%s", seedNote, child.log())
                        .isEqualTo(WalferryProcess.SIGKILL_EXIT);
                kills++;
                awaitSlot(false, child);
                assertNothingConfirmedIsMissing(workload, child);
            }
        }
        return kills;
    }

    /** Waits until a walsender streams from the slot ({@code active}) or none does any more. */
    private void awaitSlot(boolean active, WalferryProcess child) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while ((pair.source.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot
                + "' AND active") > 0) != active) {
            if ((active && !child.isAlive()) || System.nanoTime() > deadline) {
                throw new AssertionError("slot " + slot + (active ? " never streamed" : " still in use after the kill")
                        + "; " + seedNote + "\n" + child.log());
            }
            Thread.sleep(20); // polling the catalog: a walsender's start and exit have no event to wait on
        }
    }

    /** With no walferry running: what must hold after a kill in this mode (see the class comment). */
    private void assertNothingConfirmedIsMissing(CrashWorkload workload, WalferryProcess killed) throws Exception {
        long confirmed = Lsn.parse(text("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'"));
        TargetState target = targetState();
        String context = seedNote + ", after kill " + (checks + 1) + " (confirmed_flush_lsn " + Lsn.format(confirmed)
                + ", target counter " + target.n + ")\n" + killed.log();
        long confirmedN = 0;
        for (Committed committed : workload.ledger().values()) {
            if (Lsn.compare(committed.upperLsn(), confirmed) <= 0) {
                confirmedN = Math.max(confirmedN, committed.n());
            }
        }
        assertThat(target.n).as("the target's counter against transaction %d, which the slot confirmed; %s",
                confirmedN, context).isGreaterThanOrEqualTo(confirmedN);
        assertThat(target.effect.journal()).as("rows of the keyless journal on the target, at most the source's; %s",
                context).isLessThanOrEqualTo(pair.source.count("SELECT count(*) FROM journal"));
        if (mode.keepsTransactionBoundaries) {
            assertThat(target.effect).as("row counts and balance sum on the target are those of transactions 1..%d; %s",
                    target.n, context).isEqualTo(workload.effectUpTo(target.n));
        }
        checks++;
    }

    private void catchUp() throws Exception {
        try (WalferryProcess child = WalferryProcess.start(List.of(), replicate("--exit-when-caught-up"))) {
            assertThat(child.awaitExit(CATCH_UP_TIMEOUT)).as("%s\n%s", seedNote, child.log()).isZero();
        }
    }

    private void assertTargetEqualsSource(CrashWorkload workload) throws Exception {
        for (String table : CrashWorkload.TABLES) {
            assertThat(ReplicaPair.rows(pair.target, table)).as("rows of %s on the target; %s", table, seedNote)
                    .isEqualTo(ReplicaPair.rows(pair.source, table));
        }
        long committed = workload.ledger().size();
        TargetState target = targetState();
        assertThat(target.n).as("counter on the target; %s", seedNote).isEqualTo(committed);
        assertThat(target.effect).as(seedNote).isEqualTo(workload.effectUpTo(committed));
    }

    /** What the target holds, read in one snapshot. */
    private record TargetState(long n, Effect effect) {
    }

    private TargetState targetState() throws SQLException {
        try (Statement statement = pair.target.sql.createStatement();
             ResultSet row = statement.executeQuery("SELECT (SELECT n FROM counter WHERE id = 1),"
                     + " (SELECT count(*) FROM accounts), (SELECT coalesce(sum(balance), 0) FROM accounts),"
                     + " (SELECT count(*) FROM bulk), (SELECT count(*) FROM journal)")) {
            row.next();
            return new TargetState(row.getLong(1),
                    new Effect(row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5)));
        }
    }

    private String text(String query) throws SQLException {
        try (Statement statement = pair.source.sql.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
