package io.walferry.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.walferry.applier.harness.ApplyMode;
import io.walferry.applier.harness.FixtureOptions;
import io.walferry.applier.harness.RandomWorkload;
import io.walferry.applier.harness.ReplicationFixture;
import io.walferry.applier.harness.ReplicationFixture.TargetDatabase;
import io.walferry.applier.harness.RestartingDelivery;
import io.walferry.applier.harness.StreamFacts;
import io.walferry.applier.harness.TableRows;
import io.walferry.decoder.Lsn;
import io.walferry.testkit.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * The property every apply mode must have: whatever the source does, the target ends up equal to
 * the source, row for row, and to what the transactional applier makes of the same stream, even when
 * the handler is stopped anywhere and a new one gets the stream again from its start.
 *
 * <p>For each seed: a {@link RandomWorkload} runs on a real source, the real pgoutput stream is
 * captured (decoded after the workload, so that a seed gives the same stream on every run), and the
 * transactional applier applies it in one go into the fixture's target (the reference). Then, for
 * each {@link ApplyMode}, a new target database gets the same stream through
 * {@link RestartingDelivery}, with zero to three restarts at random messages. Both targets are
 * compared with the source, table by table (sorted row text, so the keyless table's duplicates count
 * as a multiset).
 *
 * <p>A mode whose handler refuses to open with {@link UnsupportedOperationException} (the batched
 * applier while it is being built) is skipped with that reason; it runs as soon as it opens.
 *
 * <p>By default each seed runs one transactional and two batched modes, taking turns, so that every
 * mode gets half of the seeds and 20 seeds take about a minute. System properties: {@code
 * walferry.seed} replays one seed, in every mode (printed in every failure, with the workload written
 * to {@code target/equivalence/seed-N.sql}); {@code walferry.seeds} is the number of random seeds
 * otherwise (20); {@code walferry.statements} the data-changing statements per workload (200); {@code
 * walferry.modes} runs, for every seed, the modes whose name has all the words of one of its
 * comma-separated choices (e.g. {@code batched}, or {@code lanes=4 batchRows=7}), or every mode with
 * {@code all}; {@code walferry.leaveOut} leaves operations out of the workloads, to narrow a failure
 * down (e.g. {@code BULK_INSERT,BULK_SAVEPOINT_ROLLBACK}; the workload's coverage is then not checked).
 */
class BatchedEquivalenceIT {
    private static final int SEEDS = Integer.getInteger("walferry.seeds", 20);
    private static final int STATEMENTS = Integer.getInteger("walferry.statements", 200);
    private static final String LEFT_OUT = System.getProperty("walferry.leaveOut", "");
    private static final Duration AWAIT_DURABLE = Duration.ofSeconds(30);
    private static final int MAX_RESTARTS = 3;
    private static final String PIPELINE = "equivalence";

    /** The refusal of each mode that refused to open, so its other cases are skipped without a new target. */
    private static final Map<String, String> REFUSALS = new ConcurrentHashMap<>();
    /** The seed whose workload the current cases share (cases come grouped by seed). */
    private static SeedRun current;
    /** The seed whose workload could not be prepared, and why: its other cases fail the same way at once. */
    private static long failedSeed;
    private static AssertionError failedSeedError;

    static Stream<Arguments> cases() {
        List<Long> seeds = seeds();
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            for (ApplyMode mode : modes(i, seeds.size())) {
                cases.add(Arguments.of(seeds.get(i), mode));
            }
        }
        return cases.stream();
    }

    private static List<Long> seeds() {
        Long replay = Long.getLong("walferry.seed");
        if (replay != null) {
            return List.of(replay);
        }
        Random seeds = new Random();
        return Stream.generate(seeds::nextLong).limit(SEEDS).toList();
    }

    /**
     * The modes the {@code index}th seed runs. With {@code -Dwalferry.modes} (or a single seed): the
     * modes chosen, for every seed: those whose name has every word of one of its comma-separated
     * choices. Otherwise, to keep the run short, one transactional and two batched
     * modes, taking turns from seed to seed, so that each mode gets half of the seeds.
     */
    private static List<ApplyMode> modes(int index, int seeds) {
        String filter = System.getProperty("walferry.modes", "");
        if (filter.equals("all") || (filter.isBlank() && seeds == 1)) {
            return ApplyMode.all();
        }
        if (filter.isBlank()) {
            List<ApplyMode> transactional = ApplyMode.transactionalModes();
            List<ApplyMode> batched = ApplyMode.batchedModes();
            int half = batched.size() / 2;
            List<ApplyMode> modes = new ArrayList<>();
            modes.add(transactional.get(index % transactional.size()));
            modes.addAll(index % 2 == 0 ? batched.subList(0, half) : batched.subList(half, batched.size()));
            return modes;
        }
        List<String> choices = Arrays.stream(filter.split(",")).map(String::strip).filter(word -> !word.isEmpty())
                .toList();
        List<ApplyMode> modes = ApplyMode.all().stream().filter(mode -> choices.stream().anyMatch(choice -> {
            List<String> words = List.of(mode.name().split(" "));
            return words.containsAll(List.of(choice.split(" +")));
        })).toList();
        assertThat(modes).as("modes matching -Dwalferry.modes=%s among %s", filter, ApplyMode.all()).isNotEmpty();
        return modes;
    }

    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("cases")
    void shouldLeaveTheTargetEqualToTheSourceAndToTheTransactionalApplier(long seed, ApplyMode mode) throws Exception {
        String refusal = REFUSALS.get(mode.name());
        if (refusal != null) {
            Assumptions.abort(refusal);
        }
        SeedRun run = seedRun(seed);
        int[] cuts = cuts(seed, mode, run.facts.messages());
        String note = "seed " + seed + ", " + mode + ", " + RestartingDelivery.describeCuts(cuts, run.facts.messages())
                + " (replay: -Dwalferry.seed=" + seed + " -Dwalferry.modes='" + mode + "'"
                + (LEFT_OUT.isBlank() ? "" : " -Dwalferry.leaveOut=" + LEFT_OUT) + "; workload " + run.facts + ")";
        long started = System.nanoTime();
        try {
            TargetDatabase target = run.fixture.createTarget("equivalence");
            try (RestartingDelivery delivery = new RestartingDelivery(mode, target.spec(), PIPELINE,
                    run.fixture.protocolVersion())) {
                startOrSkip(delivery, mode);
                delivery.deliver(run.stream, cuts, run.facts.lastCommitEndLsn(), AWAIT_DURABLE);
            }
            String differences = differences(mode.toString(), rows(target.sql()), run.sourceRows);
            if (!differences.isEmpty() || !run.referenceDifferences().isEmpty()) {
                throw new AssertionError("the targets are not equal to the source:" + differences);
            }
            System.out.printf("BatchedEquivalenceIT seed %d, %s, %s: equal (%d keyless duplicates), %d ms; %s%n", seed,
                    mode, RestartingDelivery.describeCuts(cuts, run.facts.messages()), run.keylessDuplicates(),
                    (System.nanoTime() - started) / 1_000_000, run.facts);
        } catch (TestAbortedException skipped) {
            throw skipped;
        } catch (Throwable failure) {
            String reference = run.referenceDifferences().isEmpty() ? "the reference target equals the source"
                    : "the reference target does not:" + run.referenceDifferences();
            throw new AssertionError(note + "; workload in " + run.writeScript() + "; " + reference + "\n"
                    + failure.getMessage(), failure);
        }
    }

    /** Opens the mode's first handler; skips the test, with the refusal as the reason, when the mode refuses to open. */
    private static void startOrSkip(RestartingDelivery delivery, ApplyMode mode) throws Exception {
        try {
            delivery.start();
        } catch (UnsupportedOperationException e) {
            String reason = mode + " is not available: its handler's open() throws UnsupportedOperationException (\""
                    + e.getMessage() + "\"). This case runs as soon as it opens.";
            REFUSALS.put(mode.name(), reason);
            Assumptions.abort(reason);
        }
    }

    /** Zero to {@value #MAX_RESTARTS} restart points, anywhere in the stream, drawn from the seed and the mode. */
    private static int[] cuts(long seed, ApplyMode mode, int messages) {
        Random random = new Random(seed ^ mode.name().hashCode());
        return random.ints(random.nextInt(MAX_RESTARTS + 1), 1, messages).sorted().distinct().toArray();
    }

    private static String differences(String what, Map<String, List<String>> actual, Map<String, List<String>> source) {
        StringBuilder differences = new StringBuilder();
        source.forEach((table, rows) -> {
            String difference = TableRows.difference(rows, actual.get(table), 160);
            if (!difference.isEmpty()) {
                differences.append("\n").append(what).append(", table ").append(table).append(" (").append(rows.size())
                        .append(" rows on the source, ").append(actual.get(table).size()).append(" on the target):")
                        .append(difference);
            }
        });
        return differences.toString();
    }

    private static Map<String, List<String>> rows(Connection connection) throws SQLException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String table : RandomWorkload.TABLES) {
            rows.put(table, TableRows.of(connection, table));
        }
        return rows;
    }

    /** The operations {@code -Dwalferry.leaveOut} names (comma-separated {@link RandomWorkload.Op} names). */
    private static Set<RandomWorkload.Op> leftOut() {
        Set<RandomWorkload.Op> ops = EnumSet.noneOf(RandomWorkload.Op.class);
        for (String name : LEFT_OUT.split(",")) {
            if (!name.isBlank()) {
                ops.add(RandomWorkload.Op.valueOf(name.strip()));
            }
        }
        return ops;
    }

    private static SeedRun seedRun(long seed) throws Exception {
        if (failedSeedError != null && failedSeed == seed) {
            throw failedSeedError;
        }
        if (current == null || current.seed != seed) {
            closeCurrent();
            try {
                current = SeedRun.create(seed);
            } catch (AssertionError e) {
                failedSeed = seed;
                failedSeedError = e;
                throw e;
            }
        }
        return current;
    }

    @AfterAll
    static void closeCurrent() throws SQLException {
        if (current != null) {
            current.fixture.close();
            current = null;
        }
    }

    /**
     * One seed's workload, run on a source of the newest version, its stream, the source's rows and the
     * reference target's: shared by the seed's cases.
     */
    private static final class SeedRun {
        final long seed;
        final RandomWorkload workload;
        final ReplicationFixture fixture;
        final List<ReplicationFixture.Captured> stream;
        final StreamFacts facts;
        final Map<String, List<String>> sourceRows;
        /** How the reference target differs from the source, or how the reference applier failed; empty when equal. */
        private final String referenceDifferences;

        private SeedRun(long seed, RandomWorkload workload, ReplicationFixture fixture) throws Exception {
            this.seed = seed;
            this.workload = workload;
            this.fixture = fixture;
            this.stream = fixture.captured();
            this.facts = StreamFacts.of(fixture.protocolVersion(), stream);
            this.sourceRows = rows(fixture.source());
            this.referenceDifferences = applyReference();
        }

        /**
         * Applies the stream in one go with the transactional applier; a failure of it is reported by
         * every case of the seed, which still compares its own mode's target with the source.
         */
        private String applyReference() throws SQLException {
            String what = "the transactional applier (reference, no restart)";
            try (TransactionalApplier reference = fixture.openApplier("reference")) {
                ReplicationFixture.replay(reference, stream);
                if (reference.durableLsn() != facts.lastCommitEndLsn()) {
                    return "\n" + what + " is durable up to " + Lsn.format(reference.durableLsn()) + " after the whole"
                            + " stream, not up to its last commit " + Lsn.format(facts.lastCommitEndLsn());
                }
            } catch (Exception e) {
                return "\n" + what + " failed: " + e;
            }
            return differences(what, rows(fixture.target()), sourceRows);
        }

        String referenceDifferences() {
            return referenceDifferences;
        }

        static SeedRun create(long seed) throws Exception {
            long started = System.nanoTime();
            int version = TestPostgres.newestVersion();
            RandomWorkload workload = RandomWorkload.generate(seed, STATEMENTS, leftOut());
            ReplicationFixture fixture = ReplicationFixture.create(TestPostgres.pair(version, version),
                    FixtureOptions.DEFAULTS.withDecodeLater(), RandomWorkload.DDL.toArray(new String[0]));
            try {
                long created = System.nanoTime();
                runOnSource(fixture, workload);
                long ran = System.nanoTime();
                SeedRun run = new SeedRun(seed, workload, fixture);
                if (LEFT_OUT.isBlank()) {
                    run.assertWorkloadReachedEveryCase();
                }
                System.out.printf("BatchedEquivalenceIT seed %d: %d statements; databases %d ms, workload and its"
                        + " stream %d ms, reference apply %d ms%n", seed, workload.statements().size(),
                        (created - started) / 1_000_000, (ran - created) / 1_000_000,
                        (System.nanoTime() - ran) / 1_000_000);
                return run;
            } catch (Throwable e) {
                fixture.close();
                throw new AssertionError("seed " + seed + " (replay: -Dwalferry.seed=" + seed + "): preparing the"
                        + " workload failed; workload in " + writeScript(seed, workload) + "\n" + e.getMessage(), e);
            }
        }

        private static void runOnSource(ReplicationFixture fixture, RandomWorkload workload) throws Exception {
            List<String> statements = workload.statements();
            for (int i = 0; i < statements.size(); i++) {
                try {
                    ReplicationFixture.execute(fixture.source(), statements.get(i));
                } catch (SQLException e) {
                    throw new AssertionError("the workload's statement " + (i + 1) + " failed on the source (a bug"
                            + " of RandomWorkload's model): " + statements.get(i), e);
                }
            }
            fixture.sync(null);
        }

        /** The stream shows each case the workload is about, so a quiet change to it cannot make the test vacuous. */
        private void assertWorkloadReachedEveryCase() {
            assertThat(facts.unchangedToastValues()).as("unchanged TOAST values sent; %s", facts).isPositive();
            assertThat(facts.keyChanges()).as("key changes sent; %s", facts).isPositive();
            assertThat(facts.fullOldRows()).as("changes of the REPLICA IDENTITY FULL table; %s", facts).isPositive();
            assertThat(facts.truncates()).as("truncates; %s", facts).isPositive();
            assertThat(facts.streamedTransactions()).as("transactions streamed in progress; %s", facts).isPositive();
            assertThat(facts.subtransactionAborts()).as("savepoints rolled back in streamed transactions; %s", facts)
                    .isPositive();
        }

        /** Identical rows of the keyless table at the end, beyond the first of each kind. */
        int keylessDuplicates() {
            List<String> keyless = sourceRows.get("keyless");
            return keyless.size() - (int) keyless.stream().distinct().count();
        }

        Path writeScript() {
            return writeScript(seed, workload);
        }

        private static Path writeScript(long seed, RandomWorkload workload) {
            Path file = Path.of("target", "equivalence", "seed-" + seed + ".sql");
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, workload.script());
                return file.toAbsolutePath();
            } catch (IOException e) {
                return Path.of("(not written: " + e.getMessage() + ")");
            }
        }
    }
}
