package io.walferry.cli;

import io.walferry.engine.pipeline.LastError;
import io.walferry.engine.source.ConnectionSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a failure of {@code replicate} in the target ({@link LastError}, for {@code walferry
 * status}): the exit code it maps to, its name, and the message walferry prints, with any password
 * of the two servers blotted out should one have slipped into it. Best effort: a target that is down
 * cannot be written to, so a failure to record is logged and the command goes on (to exit with the
 * failure it was recording). On its own short-lived connection, with short timeouts, so that a
 * target that does not answer delays a restart by seconds at most.
 */
final class FailureLog {
    private static final Logger LOG = LoggerFactory.getLogger(FailureLog.class);
    private static final String CONNECT_TIMEOUT_SECONDS = "5";
    private static final String SOCKET_TIMEOUT_SECONDS = "10";
    /** A shorter password could be blotted out of ordinary words; messages carry none anyway. */
    private static final int MIN_SECRET_LENGTH = 4;

    private final ConnectionSpec target;
    private final String pipeline;
    private final List<String> secrets = new ArrayList<>();

    FailureLog(ConnectionSpec target, String pipeline, ConnectionSpec source) {
        this.target = target.withApplicationName("walferry replicate " + pipeline);
        this.pipeline = pipeline;
        for (ConnectionSpec server : new ConnectionSpec[] {source, target}) {
            if (server != null && server.password() != null && server.password().length() >= MIN_SECRET_LENGTH) {
                secrets.add(server.password());
            }
        }
    }

    /**
     * Records {@code failure} as the pipeline's last error.
     *
     * @param restarted whether walferry restarts the pipeline after it, or stops
     */
    void record(Throwable failure, boolean restarted) {
        int code = ExitCodeMapper.exitCode(failure);
        String message = code == ExitCodes.INTERNAL_ERROR || !(failure instanceof Exception exception)
                ? "internal error: " + failure : ExitCodeMapper.message(exception);
        if (message == null) {
            message = failure.toString();
        }
        for (String secret : secrets) {
            message = message.replace(secret, "********");
        }
        Properties properties = target.jdbcProperties();
        properties.setProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        properties.setProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
        try (Connection sql = DriverManager.getConnection(target.jdbcUrl(), properties)) {
            LastError.record(sql, pipeline, ExitCodes.name(code), code, restarted, message);
        } catch (SQLException | RuntimeException e) {
            // When walferry cannot connect, the target is likely the reason: the error says so already.
            String format = "could not record this failure in {} on the target {} for walferry status: {}";
            if (code == ExitCodes.CANNOT_CONNECT) {
                LOG.debug(format, LastError.TABLE, target.describe(), e.getMessage());
            } else {
                LOG.warn(format, LastError.TABLE, target.describe(), e.getMessage());
            }
        }
    }
}
