package io.walferry.engine.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks that need nothing but {@link ServerFacts}: whether the source can serve logical
 * replication, whether the target lets walferry write the way it does, and which settings differ
 * between the two in ways that change behaviour or speed.
 */
public final class ServerChecks {
    /** As {@code ServerInfo.requireLogicalReplication}: pgoutput needs PostgreSQL 10 or later. */
    static final int OLDEST_SOURCE_VERSION_NUM = 100000;

    private ServerChecks() {
    }

    /**
     * The source's readiness for logical replication.
     *
     * @param pipelineSlotExists whether the pipeline's slot exists already (then it needs no new one)
     */
    public static List<Finding> source(ServerFacts source, boolean pipelineSlotExists) {
        List<Finding> findings = new ArrayList<>();
        String where = "the source " + source.server();
        if (source.versionNum() < OLDEST_SOURCE_VERSION_NUM) {
            findings.add(Finding.blocker("source_version", source.server(), where + " runs PostgreSQL "
                    + source.version() + ", and walferry needs PostgreSQL 10 or later (pgoutput logical replication):"
                    + " upgrade the source first, or move it with pg_dump and pg_restore"));
        }
        if (!source.walLevel().equals("logical")) {
            findings.add(Finding.blocker("wal_level", "wal_level", "wal_level is " + source.walLevel() + " on " + where
                    + ", and logical replication needs wal_level = logical: run ALTER SYSTEM SET wal_level = logical"
                    + " and restart the server (on a managed service, set it in the parameter group, e.g."
                    + " rds.logical_replication = 1)"));
        }
        if (!source.superuser() && !source.replicationRole()) {
            String user = Text.ident(source.user());
            findings.add(Finding.blocker("replication_privilege", source.server(), "user " + user + " of " + where
                    + " has neither the REPLICATION attribute nor superuser, and cannot create a replication slot or"
                    + " stream from it: run ALTER ROLE " + user + " REPLICATION as a superuser, or connect as a user"
                    + " that has it"));
        }
        int freeSlots = source.maxReplicationSlots() - source.usedReplicationSlots();
        if (!pipelineSlotExists && freeSlots < 1) {
            findings.add(Finding.blocker("replication_slots", "max_replication_slots", where + " has no free"
                    + " replication slot (" + source.usedReplicationSlots() + " of max_replication_slots = "
                    + source.maxReplicationSlots() + " in use), and the pipeline needs one: drop a slot nothing uses"
                    + " (SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active, after"
                    + " checking each), or raise max_replication_slots and restart the server"));
        } else if (freeSlots < 2) {
            findings.add(Finding.warning("replication_slots", "max_replication_slots", where + " has "
                    + Math.max(freeSlots, 0) + " free replication slot(s) (max_replication_slots = "
                    + source.maxReplicationSlots() + "): a load that resumes after a stop takes its new snapshot from a"
                    + " second, temporary slot, which would fail; raise max_replication_slots to leave one to spare"));
        }
        if (source.maxWalSenders() - source.activeWalSenders() < 1) {
            findings.add(Finding.blocker("wal_senders", "max_wal_senders", where + " has no free WAL sender ("
                    + source.activeWalSenders() + " of max_wal_senders = " + source.maxWalSenders() + " running), and"
                    + " every replication connection takes one: raise max_wal_senders and restart the server, or stop"
                    + " a replication client"));
        }
        return findings;
    }

    /**
     * The target's readiness to be written.
     *
     * @param createsSchemas whether the load will create schemas there (schema {@code walferry}, or a
     *                       schema of the selected tables that does not exist yet)
     */
    public static List<Finding> target(ServerFacts target, boolean createsSchemas) {
        List<Finding> findings = new ArrayList<>();
        String where = "the target " + target.server();
        String user = Text.ident(target.user());
        if (!target.setReplicationRole()) {
            findings.add(Finding.blocker("session_replication_role", "session_replication_role", "user " + user
                    + " of " + where + " may not SET session_replication_role, and walferry writes with"
                    + " session_replication_role = replica so that triggers and foreign-key checks do not fire on"
                    + " replicated rows: connect as a"
                    + " superuser, or on PostgreSQL 15 or later run GRANT SET ON PARAMETER session_replication_role TO"
                    + " " + user + " as a superuser" + (target.majorVersion() < 15 ? " (PostgreSQL "
                    + target.version() + " has no such grant: a superuser is needed)" : "")));
        }
        if (createsSchemas && !target.createOnDatabase()) {
            findings.add(Finding.blocker("target_create_privilege", target.server(), "user " + user + " of "
                    + where + " lacks the CREATE privilege on the database, and walferry creates schemas there"
                    + " (schema walferry for its progress, and the schemas of the copied tables): run GRANT CREATE"
                    + " ON DATABASE "
                    + Text.ident(target.database()) + " TO " + user + ", or create those schemas beforehand with the"
                    + " user as owner"));
        }
        return findings;
    }

    /** Settings that differ between the two servers and matter to the move. */
    public static List<Finding> compare(ServerFacts source, ServerFacts target) {
        List<Finding> findings = new ArrayList<>();
        String versions = "the source runs PostgreSQL " + source.version() + ", the target " + target.version();
        if (target.majorVersion() < source.majorVersion()) {
            findings.add(Finding.warning("server_versions", "", versions + ": a move to an older major version. The"
                    + " schema copy refuses objects the target's version cannot create (listed as target_version"
                    + " blockers), and values travel as text; test the application against PostgreSQL "
                    + target.majorVersion() + " before the cutover"));
        } else {
            findings.add(Finding.info("server_versions", "", versions + (target.majorVersion() > source.majorVersion()
                    ? ": a major-version upgrade (values travel as text, which every version reads)"
                    : ": the same major version (rows are copied in binary where every column allows it)")));
        }
        if (!source.encoding().equals(target.encoding())) {
            findings.add(Finding.warning("encoding", "encoding", "the source database is encoded " + source.encoding()
                    + ", the target " + target.encoding() + ": text is converted on the way, and a character the"
                    + " target's encoding cannot hold fails the load or the apply; create the target database with"
                    + " ENCODING '" + source.encoding() + "' unless the conversion is what you want"));
        }
        if (!source.collate().equals(target.collate()) || !source.ctype().equals(target.ctype())) {
            findings.add(Finding.warning("collation", "datcollate", "the source database has LC_COLLATE "
                    + source.collate() + " and LC_CTYPE " + source.ctype() + ", the target " + target.collate() + " and "
                    + target.ctype() + ": text sorts and compares differently (ORDER BY, indexes, unique constraints on"
                    + " text may accept or refuse other values); create the target database with LC_COLLATE '"
                    + source.collate() + "' LC_CTYPE '" + source.ctype() + "' unless you mean to change it"));
        }
        if (!source.timeZone().equals(target.timeZone())) {
            findings.add(Finding.info("timezone", "TimeZone", "TimeZone is " + source.timeZone() + " on the source and "
                    + target.timeZone() + " on the target: timestamptz values move exactly, but sessions that rely on"
                    + " the server's default show and parse local times differently; set timezone on the target (ALTER"
                    + " DATABASE ... SET timezone) if the application relies on it"));
        }
        for (int i = 0; i < source.memory().size() && i < target.memory().size(); i++) {
            ServerFacts.Memory onSource = source.memory().get(i);
            ServerFacts.Memory onTarget = target.memory().get(i);
            if (onTarget.bytes() < onSource.bytes()) {
                findings.add(Finding.info("memory_settings", onSource.name(), onSource.name() + " is " + onSource.value()
                        + " on the source but " + onTarget.value() + " on the target: the same queries may run slower"
                        + " there; raise it on the target if its memory allows"));
            }
        }
        return findings;
    }
}
