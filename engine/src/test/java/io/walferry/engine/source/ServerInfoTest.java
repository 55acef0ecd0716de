package io.walferry.engine.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import org.junit.jupiter.api.Test;

/**
 * The source's readiness rules on settings the shared test servers cannot have (they run with
 * {@code wal_level = logical} and changing it needs a restart that other tests' slots forbid).
 */
class ServerInfoTest {
    private static final ConnectionSpec SPEC = ConnectionSpec.parse("postgresql://app@db1:5433/shop");

    @Test
    void shouldNameWalLevelAndTheFix() {
        ServerInfo server = new ServerInfo(170000, "17.0", "replica", true, true, 10, 0);

        assertThatThrownBy(() -> server.requireLogicalReplication(SPEC))
                .isInstanceOf(EngineException.class)
                .hasMessage("wal_level is replica on the source db1:5433, and logical replication needs wal_level ="
                        + " logical: set it in postgresql.conf (ALTER SYSTEM SET wal_level = logical) and restart the server")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((EngineException) e).failure())
                        .isEqualTo(Failure.SOURCE_NOT_READY));
    }

    @Test
    void shouldRefuseAServerTooOldForPgoutput() {
        ServerInfo server = new ServerInfo(90600, "9.6.24", "logical", true, true, 10, 0);

        assertThatThrownBy(() -> server.requireLogicalReplication(SPEC))
                .hasMessageContaining("runs PostgreSQL 9.6.24, and walferry needs PostgreSQL 10 or later");
    }
}
