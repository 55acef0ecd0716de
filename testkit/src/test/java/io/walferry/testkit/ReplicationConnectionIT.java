package io.walferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

class ReplicationConnectionIT {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldIdentifySystemOnLogicalReplicationConnection(int version) throws SQLException {
        PgServer server = TestPostgres.server(version);
        String database = server.createDatabase("identify");

        try (Connection connection = server.connectReplication(database);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString("systemid")).isNotBlank();
            assertThat(row.getInt("timeline")).isPositive();
            assertThat(LogSequenceNumber.valueOf(row.getString("xlogpos")).asLong()).isPositive();
            assertThat(row.getString("dbname")).isEqualTo(database);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @AllPgVersions
    void shouldStreamFromTemporarySlotThroughPgjdbcReplicationApi(int version) throws Exception {
        PgServer server = TestPostgres.server(version);
        String database = server.createDatabase("stream");

        try (Connection connection = server.connectReplication(database)) {
            PGConnection replication = connection.unwrap(PGConnection.class);
            replication.getReplicationAPI().createReplicationSlot().logical()
                .withSlotName("testkit_" + database).withOutputPlugin("test_decoding").withTemporaryOption().make();
            try (PGReplicationStream stream = replication.getReplicationAPI().replicationStream().logical()
                     .withSlotName("testkit_" + database).start()) {
                assertThat(stream.getLastReceiveLSN()).isNotNull();
            }
        }
    }
}
