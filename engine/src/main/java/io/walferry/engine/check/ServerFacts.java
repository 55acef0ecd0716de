package io.walferry.engine.check;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * The settings and privileges of one server that decide whether a move can start, read in one query
 * (plus one for the parameter privilege on PostgreSQL 15+). A value, so that {@link ServerChecks} can
 * be tested with settings a shared test server cannot take.
 *
 * @param server               where it is, for messages: {@code host:port (database "d", user "u")}
 * @param user                 {@code current_user}
 * @param database             {@code current_database()}
 * @param versionNum           {@code server_version_num}, e.g. 170002
 * @param version              {@code server_version}, e.g. {@code 17.2}
 * @param walLevel             {@code wal_level}
 * @param superuser            whether the current user is a superuser
 * @param replicationRole      whether the current user has the REPLICATION attribute
 * @param maxReplicationSlots  {@code max_replication_slots}
 * @param usedReplicationSlots replication slots that exist now, of any database
 * @param maxWalSenders        {@code max_wal_senders}
 * @param activeWalSenders     walsender processes running now ({@code pg_stat_replication})
 * @param encoding             the database's encoding, e.g. {@code UTF8}
 * @param collate              the database's {@code datcollate}
 * @param ctype                the database's {@code datctype}
 * @param timeZone             {@code TimeZone} of this session (the server's default unless the role or
 *                             database sets one)
 * @param memory               {@code shared_buffers}, {@code work_mem} and {@code maintenance_work_mem},
 *                             in that order
 * @param createOnDatabase     whether the user may create schemas in the database
 * @param setReplicationRole   whether the user may {@code SET session_replication_role}: a superuser, or
 *                             on PostgreSQL 15+ a user granted {@code SET ON PARAMETER}
 */
public record ServerFacts(String server, String user, String database, int versionNum, String version,
                          String walLevel, boolean superuser, boolean replicationRole, int maxReplicationSlots,
                          int usedReplicationSlots,
                          int maxWalSenders, int activeWalSenders, String encoding, String collate, String ctype,
                          String timeZone, List<Memory> memory, boolean createOnDatabase,
                          boolean setReplicationRole) {
    private static final List<String> MEMORY_SETTINGS = List.of("shared_buffers", "work_mem", "maintenance_work_mem");
    private static final String QUERY = "SELECT current_setting('server_version_num')::int,"
            + " current_setting('server_version'), current_setting('wal_level'), r.rolsuper, r.rolreplication,"
            + " current_setting('max_replication_slots')::int,"
            + " (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int,"
            + " current_setting('max_wal_senders')::int, (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int,"
            + " pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, current_setting('TimeZone'),"
            + " current_setting('shared_buffers'), pg_catalog.pg_size_bytes(current_setting('shared_buffers')),"
            + " current_setting('work_mem'), pg_catalog.pg_size_bytes(current_setting('work_mem')),"
            + " current_setting('maintenance_work_mem'),"
            + " pg_catalog.pg_size_bytes(current_setting('maintenance_work_mem')),"
            + " pg_catalog.has_database_privilege(d.oid, 'CREATE'), current_user, current_database()"
            + " FROM pg_catalog.pg_roles r, pg_catalog.pg_database d"
            + " WHERE r.rolname = current_user AND d.datname = current_database()";
    /** {@code has_parameter_privilege} exists from PostgreSQL 15, as does {@code GRANT SET ON PARAMETER}. */
    private static final int PARAMETER_PRIVILEGES_VERSION_NUM = 150000;

    /**
     * A memory setting.
     *
     * @param name  the setting
     * @param value as the server shows it, e.g. {@code 128MB}
     * @param bytes its value in bytes
     */
    public record Memory(String name, String value, long bytes) {
    }

    public ServerFacts {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
        memory = List.copyOf(memory);
    }

    /**
     * Reads the facts of the server behind {@code connection}.
     *
     * @param server how to name it in messages
     * @throws SQLException when a query fails, or the current user is missing from {@code pg_roles}
     */
    public static ServerFacts read(Connection connection, String server) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(QUERY)) {
            if (!row.next()) {
                throw new SQLException("the current user of " + server + " is not in pg_roles");
            }
            int versionNum = row.getInt(1);
            boolean superuser = row.getBoolean(4);
            List<Memory> memory = List.of(new Memory(MEMORY_SETTINGS.get(0), row.getString(14), row.getLong(15)),
                    new Memory(MEMORY_SETTINGS.get(1), row.getString(16), row.getLong(17)),
                    new Memory(MEMORY_SETTINGS.get(2), row.getString(18), row.getLong(19)));
            ServerFacts facts = new ServerFacts(server, row.getString(21), row.getString(22), versionNum,
                    row.getString(2), row.getString(3), superuser, row.getBoolean(5), row.getInt(6), row.getInt(7),
                    row.getInt(8), row.getInt(9), row.getString(10),
                    row.getString(11), row.getString(12), row.getString(13), memory, row.getBoolean(20), superuser);
            if (superuser || versionNum < PARAMETER_PRIVILEGES_VERSION_NUM) {
                return facts;
            }
            return facts.withSetReplicationRole(maySetReplicationRole(connection));
        }
    }

    private ServerFacts withSetReplicationRole(boolean allowed) {
        return new ServerFacts(server, user, database, versionNum, version, walLevel, superuser, replicationRole,
                maxReplicationSlots, usedReplicationSlots, maxWalSenders, activeWalSenders, encoding, collate, ctype,
                timeZone, memory, createOnDatabase, allowed);
    }

    private static boolean maySetReplicationRole(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(
                "SELECT pg_catalog.has_parameter_privilege('session_replication_role', 'SET')")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    /** The major version, e.g. 17. */
    public int majorVersion() {
        return versionNum / 10000;
    }
}
