package io.walferry.engine.source;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What walferry needs to know about a source server before it replicates from it, read in one
 * query, and the checks that turn a server that is not ready into a message that says how to fix it.
 *
 * @param versionNum          {@code server_version_num}, e.g. 170002
 * @param version             {@code server_version}, e.g. {@code 17.2}
 * @param walLevel            {@code wal_level}
 * @param superuser           whether the current user is a superuser
 * @param replicationRole     whether the current user has the REPLICATION attribute
 * @param maxReplicationSlots {@code max_replication_slots}
 * @param usedReplicationSlots replication slots that exist now
 */
public record ServerInfo(int versionNum, String version, String walLevel, boolean superuser, boolean replicationRole,
                         int maxReplicationSlots, int usedReplicationSlots) {
    private static final String QUERY = "SELECT current_setting('server_version_num')::int,"
            + " current_setting('server_version'), current_setting('wal_level'),"
            + " r.rolsuper, r.rolreplication, current_setting('max_replication_slots')::int,"
            + " (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int"
            + " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user";

    /** Reads the server's settings over an ordinary connection. */
    public static ServerInfo read(Connection connection, ConnectionSpec spec) {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
            if (!rows.next()) {
                throw new EngineException(Failure.SOURCE_NOT_READY, "the current user of " + spec.describe()
                        + " is not in pg_roles");
            }
            return new ServerInfo(rows.getInt(1), rows.getString(2), rows.getString(3), rows.getBoolean(4),
                    rows.getBoolean(5), rows.getInt(6), rows.getInt(7));
        } catch (SQLException e) {
            throw SourceErrors.failed(e, "reading the settings of " + spec.describe(), null);
        }
    }

    /** The major version, e.g. 17 (or 9 for 9.6). */
    public int majorVersion() {
        return versionNum / 10000;
    }

    /**
     * Checks that a temporary logical slot can be created and streamed by this user.
     *
     * @throws EngineException ({@link Failure#SOURCE_NOT_READY}) naming the setting or privilege and the fix
     */
    public void requireLogicalReplication(ConnectionSpec spec) {
        if (versionNum < 100000) {
            throw notReady("the source " + spec.hostAndPort() + " runs PostgreSQL " + version
                    + ", and walferry needs PostgreSQL 10 or later (pgoutput logical replication)");
        }
        if (!walLevel.equals("logical")) {
            throw notReady("wal_level is " + walLevel + " on the source " + spec.hostAndPort()
                    + ", and logical replication needs wal_level = logical: set it in postgresql.conf"
                    + " (ALTER SYSTEM SET wal_level = logical) and restart the server");
        }
        if (!superuser && !replicationRole) {
            throw notReady("user \"" + spec.user() + "\" on the source " + spec.hostAndPort()
                    + " may not start logical replication: grant it with ALTER ROLE \"" + spec.user()
                    + "\" REPLICATION, or connect as a user that has it");
        }
        if (usedReplicationSlots >= maxReplicationSlots) {
            throw notReady("all " + maxReplicationSlots + " replication slots of the source " + spec.hostAndPort()
                    + " are in use (max_replication_slots = " + maxReplicationSlots + "): drop an unused one"
                    + " (SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active)"
                    + " or raise max_replication_slots and restart the server");
        }
    }

    private static EngineException notReady(String message) {
        return new EngineException(Failure.SOURCE_NOT_READY, message);
    }
}
