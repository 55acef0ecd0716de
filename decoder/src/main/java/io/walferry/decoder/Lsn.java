package io.walferry.decoder;

/**
 * Log sequence numbers as primitive {@code long}s: compared unsigned, printed {@code X/Y} the way
 * PostgreSQL prints them ({@code pg_lsn} text form, upper-case hex without leading zeros).
 */
public final class Lsn {
    /** {@code InvalidXLogRecPtr}: no position. */
    public static final long INVALID = 0L;

    private Lsn() {
    }

    /** Formats {@code lsn} as {@code X/Y}, e.g. {@code 0/16B3748}. */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + '/' + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase();
    }

    /** Appends {@code lsn} as {@code X/Y} without creating intermediate strings per call site. */
    public static StringBuilder appendTo(StringBuilder out, long lsn) {
        appendHex(out, lsn >>> 32);
        out.append('/');
        appendHex(out, lsn & 0xFFFF_FFFFL);
        return out;
    }

    private static void appendHex(StringBuilder out, long value) {
        if (value == 0) {
            out.append('0');
            return;
        }
        int shift = 60 - (Long.numberOfLeadingZeros(value) / 4) * 4;
        for (; shift >= 0; shift -= 4) {
            out.append(Character.toUpperCase(Character.forDigit((int) ((value >>> shift) & 0xF), 16)));
        }
    }

    /**
     * Parses {@code X/Y}.
     *
     * @throws IllegalArgumentException when the text is not an LSN, with the offending text in the message
     */
    public static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("LSN: " + text + " (expected: two hexadecimal numbers of up to 8 digits, X/Y)");
        }
        try {
            long high = Long.parseLong(text, 0, slash, 16);
            long low = Long.parseLong(text, slash + 1, text.length(), 16);
            return (high << 32) | low;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LSN: " + text + " (expected: two hexadecimal numbers of up to 8 digits, X/Y)", e);
        }
    }

    /** Unsigned comparison: negative, zero or positive as {@code a} is before, at or after {@code b}. */
    public static int compare(long a, long b) {
        return Long.compareUnsigned(a, b);
    }

    /** The later of two LSNs. */
    public static long max(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** The earlier of two LSNs. */
    public static long min(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
