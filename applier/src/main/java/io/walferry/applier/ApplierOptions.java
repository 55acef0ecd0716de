package io.walferry.applier;

/**
 * Tuning of the transactional applier.
 *
 * @param batchRows          consecutive changes with the same statement sent to the target in one
 *                           JDBC batch (one round trip), at most; 1 sends each change on its own
 * @param batchChars         text characters of values held in one batch, at most, which bounds the
 *                           memory a batch of large values takes
 * @param idleStreamSessions target connections kept open for the next streamed transaction once
 *                           the one using them ends; more are opened while more streamed
 *                           transactions are open at once, and closed when they end
 */
public record ApplierOptions(int batchRows, long batchChars, int idleStreamSessions) {
    /** 256-row batches of at most 4 Mi characters, two idle connections for streamed transactions. */
    public static final ApplierOptions DEFAULTS = new ApplierOptions(256, 4L << 20, 2);

    public ApplierOptions {
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows: " + batchRows + " (expected: 1 or more)");
        }
        if (batchChars < 1) {
            throw new IllegalArgumentException("batchChars: " + batchChars + " (expected: 1 or more)");
        }
        if (idleStreamSessions < 0) {
            throw new IllegalArgumentException("idleStreamSessions: " + idleStreamSessions + " (expected: 0 or more)");
        }
    }
}
