package io.walferry.decoder;

import java.time.Instant;

/**
 * PostgreSQL timestamps on the wire: microseconds since 2000-01-01 00:00:00 UTC, as a signed
 * {@code long}. {@code Long.MAX_VALUE} and {@code Long.MIN_VALUE} stand for {@code infinity} and
 * {@code -infinity}.
 */
public final class PgTime {
    /** Seconds between the Unix epoch and the PostgreSQL epoch (2000-01-01). */
    public static final long PG_EPOCH_UNIX_SECONDS = 946_684_800L;
    /** {@code DT_NOEND}: timestamp {@code infinity}. */
    public static final long INFINITY = Long.MAX_VALUE;
    /** {@code DT_NOBEGIN}: timestamp {@code -infinity}. */
    public static final long NEGATIVE_INFINITY = Long.MIN_VALUE;

    private PgTime() {
    }

    /** Converts PostgreSQL microseconds to an {@link Instant}; infinities map to {@link Instant#MAX}/{@link Instant#MIN}. */
    public static Instant toInstant(long pgMicros) {
        if (pgMicros == INFINITY) {
            return Instant.MAX;
        }
        if (pgMicros == NEGATIVE_INFINITY) {
            return Instant.MIN;
        }
        long seconds = Math.floorDiv(pgMicros, 1_000_000L);
        long micros = Math.floorMod(pgMicros, 1_000_000L);
        return Instant.ofEpochSecond(PG_EPOCH_UNIX_SECONDS + seconds, micros * 1_000L);
    }

    /** Converts Unix-epoch microseconds to PostgreSQL microseconds. */
    public static long fromUnixMicros(long unixMicros) {
        return unixMicros - PG_EPOCH_UNIX_SECONDS * 1_000_000L;
    }
}
