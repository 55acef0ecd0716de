package io.walferry.applier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ApplyFailureTest {

    @ParameterizedTest(name = "SQLSTATE {0} is {1}")
    @CsvSource({
        "08006, TRANSIENT", "57P01, TRANSIENT", "40P01, TRANSIENT", "40001, TRANSIENT", "53300, TRANSIENT",
        "42P01, TARGET_NOT_READY", "42703, TARGET_NOT_READY", "42501, TARGET_NOT_READY", "28P01, TARGET_NOT_READY",
        "3D000, TARGET_NOT_READY", "23505, TARGET_DIVERGED", "23503, TARGET_DIVERGED", "22P02, TARGET_ERROR"})
    void shouldClassifyTargetErrorsBySqlState(String state, ApplyFailure expected) {
        assertThat(ApplyFailure.of(new SQLException("boom", state))).isEqualTo(expected);
    }

    @Test
    void shouldTreatOnlyTransientFailuresAsHealing() {
        assertThat(ApplyFailure.TRANSIENT.transientFailure()).isTrue();
        assertThat(ApplyFailure.TARGET_DIVERGED.transientFailure()).isFalse();
    }

    @Test
    void shouldKeepTheKindAndCauseWhenContextIsAdded() {
        SQLException cause = new SQLException("boom", "23505");
        ApplyException failure = new ApplyException(ApplyFailure.TARGET_DIVERGED, "INSERT into t failed", cause)
                .withContext("in source transaction 7 (commit LSN 0/10)");

        assertThat(failure).hasMessage("INSERT into t failed; in source transaction 7 (commit LSN 0/10)").hasCause(cause);
        assertThat(failure.failure()).isEqualTo(ApplyFailure.TARGET_DIVERGED);
    }

    @Test
    void shouldRefuseOptionsThatCannotWork() {
        assertThatThrownBy(() -> new ApplierOptions(0, 1, 0)).hasMessage("batchRows: 0 (expected: 1 or more)");
        assertThatThrownBy(() -> new ApplierOptions(1, 1, -1)).hasMessage("idleStreamSessions: -1 (expected: 0 or more)");
    }
}
