package io.walferry.engine.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings rules of {@code walferry check}, on values a shared test server cannot take. */
class ServerChecksTest {
    private static final String SERVER = "db1:5432 (database \"shop\", user \"app\")";

    private static ServerFacts facts(int versionNum, String walLevel, boolean superuser, boolean replication,
                                     int maxSlots, int usedSlots, int maxSenders, int activeSenders) {
        return new ServerFacts(SERVER, "app", "shop", versionNum, versionNum / 10000 + ".1", walLevel, superuser,
                replication, maxSlots, usedSlots, maxSenders, activeSenders, "UTF8", "en_US.UTF-8", "en_US.UTF-8", "UTC",
                List.of(new ServerFacts.Memory("shared_buffers", "128MB", 128L << 20),
                        new ServerFacts.Memory("work_mem", "4MB", 4L << 20),
                        new ServerFacts.Memory("maintenance_work_mem", "64MB", 64L << 20)),
                true, superuser);
    }

    private static ServerFacts ready() {
        return facts(170002, "logical", false, true, 10, 1, 10, 1);
    }

    private static List<String> codes(List<Finding> findings, Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).map(Finding::code).toList();
    }

    @Test
    void shouldFindNothingOnAReadySource() {
        assertThat(ServerChecks.source(ready(), false)).isEmpty();
    }

    @Test
    void shouldBlockOnWalLevelReplicaNamingTheFix() {
        List<Finding> findings = ServerChecks.source(facts(170002, "replica", false, true, 10, 0, 10, 0), false);

        assertThat(codes(findings, Severity.BLOCKER)).containsExactly("wal_level");
        assertThat(findings.get(0).message()).contains("wal_level is replica").contains(SERVER)
                .contains("ALTER SYSTEM SET wal_level = logical").contains("restart");
    }

    @Test
    void shouldBlockAUserWithoutReplicationNamingTheRole() {
        List<Finding> findings = ServerChecks.source(facts(170002, "logical", false, false, 10, 0, 10, 0), false);

        assertThat(codes(findings, Severity.BLOCKER)).containsExactly("replication_privilege");
        assertThat(findings.get(0).message()).contains("ALTER ROLE \"app\" REPLICATION");
    }

    @Test
    void shouldAcceptASuperuserWithoutTheReplicationAttribute() {
        assertThat(ServerChecks.source(facts(170002, "logical", true, false, 10, 0, 10, 0), false)).isEmpty();
    }

    @Test
    void shouldBlockWhenNoSlotIsFreeUnlessThePipelineHasItsSlot() {
        ServerFacts full = facts(170002, "logical", false, true, 4, 4, 10, 0);

        assertThat(codes(ServerChecks.source(full, false), Severity.BLOCKER)).containsExactly("replication_slots");
        assertThat(ServerChecks.source(full, false).get(0).message()).contains("4 of max_replication_slots = 4");
        assertThat(codes(ServerChecks.source(full, true), Severity.BLOCKER)).isEmpty();
    }

    @Test
    void shouldWarnWhenOnlyOneSlotIsFree() {
        List<Finding> findings = ServerChecks.source(facts(170002, "logical", false, true, 4, 3, 10, 0), false);

        assertThat(codes(findings, Severity.WARNING)).containsExactly("replication_slots");
    }

    @Test
    void shouldBlockWhenEveryWalSenderRuns() {
        List<Finding> findings = ServerChecks.source(facts(170002, "logical", false, true, 10, 0, 3, 3), false);

        assertThat(codes(findings, Severity.BLOCKER)).containsExactly("wal_senders");
        assertThat(findings.get(0).message()).contains("max_wal_senders = 3");
    }

    @Test
    void shouldBlockASourceOlderThanPostgreSql10() {
        List<Finding> findings = ServerChecks.source(facts(90624, "logical", true, true, 10, 0, 10, 0), false);

        assertThat(codes(findings, Severity.BLOCKER)).containsExactly("source_version");
    }

    @Test
    void shouldBlockATargetUserThatMayNotSetSessionReplicationRole() {
        List<Finding> findings = ServerChecks.target(facts(140010, "replica", false, false, 10, 0, 10, 0), false);

        assertThat(codes(findings, Severity.BLOCKER)).containsExactly("session_replication_role");
        assertThat(findings.get(0).message()).contains("GRANT SET ON PARAMETER session_replication_role TO \"app\"")
                .contains("PostgreSQL 14.1 has no such grant");
    }

    @Test
    void shouldBlockATargetWithoutCreateOnTheDatabaseOnlyWhenSchemasAreCreated() {
        ServerFacts target = new ServerFacts(SERVER, "app", "shop", 170002, "17.2", "replica", true, false, 10, 0, 10,
                0, "UTF8", "C", "C", "UTC", List.of(), false, true);

        assertThat(codes(ServerChecks.target(target, true), Severity.BLOCKER)).containsExactly("target_create_privilege");
        assertThat(ServerChecks.target(target, true).get(0).message()).contains("GRANT CREATE ON DATABASE \"shop\" TO \"app\"");
        assertThat(ServerChecks.target(target, false)).isEmpty();
    }

    @Test
    void shouldWarnOnADowngradeAndOnDifferentEncodingAndCollation() {
        ServerFacts source = ready();
        ServerFacts target = new ServerFacts(SERVER, "app", "shop", 140010, "14.10", "replica", true, false, 10, 0, 10,
                0, "LATIN1", "C", "C", "Europe/Paris", List.of(new ServerFacts.Memory("shared_buffers", "32MB", 32L << 20),
                new ServerFacts.Memory("work_mem", "4MB", 4L << 20),
                new ServerFacts.Memory("maintenance_work_mem", "64MB", 64L << 20)), true, true);

        List<Finding> findings = ServerChecks.compare(source, target);

        assertThat(codes(findings, Severity.WARNING)).containsExactly("server_versions", "encoding", "collation");
        assertThat(codes(findings, Severity.INFO)).containsExactly("timezone", "memory_settings");
        assertThat(findings).filteredOn(f -> f.code().equals("memory_settings")).singleElement()
                .satisfies(f -> assertThat(f.object()).isEqualTo("shared_buffers"));
    }

    @Test
    void shouldNoteAnUpgrade() {
        ServerFacts source = facts(140010, "logical", true, true, 10, 0, 10, 0);

        List<Finding> findings = ServerChecks.compare(source, ready());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.message()).contains("a major-version upgrade");
        });
    }
}
