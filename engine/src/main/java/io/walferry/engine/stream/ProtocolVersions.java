package io.walferry.engine.stream;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;
import io.walferry.engine.source.ConnectionSpec;
import io.walferry.engine.source.ServerInfo;

/**
 * Which pgoutput {@code proto_version} a server speaks: 1 from PostgreSQL 10, 2 (streamed
 * transactions) from 14, 3 (two-phase commit) from 15, 4 (parallel streaming) from 16.
 */
public final class ProtocolVersions {
    /** The newest protocol version the decoder reads. */
    public static final int NEWEST = 4;

    private ProtocolVersions() {
    }

    /** The highest {@code proto_version} a server of {@code serverVersionNum} accepts. */
    public static int highestSupported(int serverVersionNum) {
        if (serverVersionNum >= 160000) {
            return 4;
        }
        if (serverVersionNum >= 150000) {
            return 3;
        }
        if (serverVersionNum >= 140000) {
            return 2;
        }
        return 1;
    }

    /**
     * The version to use: {@code requested}, or the highest the server supports when it is
     * {@code null}.
     *
     * @throws EngineException ({@link Failure#INVALID_INPUT}) when {@code requested} is out of range
     *                         or above what the server supports, naming both numbers
     */
    public static int negotiate(ServerInfo server, Integer requested, ConnectionSpec spec) {
        int highest = Math.min(NEWEST, highestSupported(server.versionNum()));
        if (requested == null) {
            return highest;
        }
        if (requested < 1 || requested > NEWEST) {
            throw new EngineException(Failure.INVALID_INPUT, "--proto-version " + requested
                    + " is not a pgoutput protocol version (expected: 1 to " + NEWEST + ")");
        }
        if (requested > highest) {
            throw new EngineException(Failure.INVALID_INPUT, "--proto-version " + requested
                    + " is higher than the source supports: PostgreSQL " + server.version() + " at " + spec.hostAndPort()
                    + " speaks pgoutput protocol versions 1 to " + highest + "; use --proto-version " + highest
                    + " or lower, or leave the option out to get " + highest);
        }
        return requested;
    }
}
