package io.walferry.engine.load;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.SourceErrors;
import java.sql.SQLException;

/** Failures of the target while loading: a lost connection can be retried, the rest is the target's to fix. */
public final class TargetFailures {
    private TargetFailures() {
    }

    /** {@code doing} says what walferry was doing ("copying public.orders into ..."). */
    public static EngineException failed(SQLException e, String doing) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Failure failure = state.startsWith("08") ? Failure.CANNOT_CONNECT : Failure.TARGET_NOT_READY;
        return new EngineException(failure, doing + " failed: " + SourceErrors.message(e)
                + (failure == Failure.CANNOT_CONNECT ? ". The load resumes where it stopped when walferry runs again." : "."), e);
    }
}
