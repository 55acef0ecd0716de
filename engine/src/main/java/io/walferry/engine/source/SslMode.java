package io.walferry.engine.source;

import io.walferry.engine.EngineException;
import io.walferry.engine.Failure;

/** libpq's {@code sslmode} values, which pgjdbc accepts under the same names. */
public enum SslMode {
    DISABLE("disable"),
    ALLOW("allow"),
    PREFER("prefer"),
    REQUIRE("require"),
    VERIFY_CA("verify-ca"),
    VERIFY_FULL("verify-full");

    private final String keyword;

    SslMode(String keyword) {
        this.keyword = keyword;
    }

    /** The name as libpq and pgjdbc spell it, e.g. {@code verify-full}. */
    public String keyword() {
        return keyword;
    }

    /**
     * The mode named {@code keyword}.
     *
     * @throws EngineException ({@link Failure#INVALID_INPUT}) naming the value and the accepted ones
     */
    public static SslMode fromKeyword(String keyword) {
        for (SslMode mode : values()) {
            if (mode.keyword.equals(keyword)) {
                return mode;
            }
        }
        throw new EngineException(Failure.INVALID_INPUT, "sslmode: " + keyword
                + " (expected: disable, allow, prefer, require, verify-ca or verify-full)");
    }
}
