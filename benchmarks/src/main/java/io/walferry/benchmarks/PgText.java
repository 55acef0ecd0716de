package io.walferry.benchmarks;

import io.walferry.decoder.PgTime;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * Values in the text form PostgreSQL's output functions produce (with {@code DateStyle = ISO} and
 * {@code TimeZone = UTC}, as a walsender session has them by default on a UTC server), for fixtures.
 */
final class PgText {
    private static final String WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod"
            + " tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation"
            + " ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate";
    private static final String[] VOCABULARY = WORDS.split(" ");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PgText() {
    }

    /** Microseconds since 2000-01-01 UTC of a wall-clock time, for Begin/Commit and timestamp columns. */
    static long pgMicros(LocalDateTime utc) {
        long unixMicros = utc.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + utc.getNano() / 1_000;
        return PgTime.fromUnixMicros(unixMicros);
    }

    /** {@code timestamp} output: {@code 2026-11-22 10:11:12.123456}, trailing zeros of the fraction dropped. */
    static String timestamp(long pgMicros) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(
                PgTime.PG_EPOCH_UNIX_SECONDS + Math.floorDiv(pgMicros, 1_000_000L), 0, ZoneOffset.UTC);
        int micros = (int) Math.floorMod(pgMicros, 1_000_000L);
        StringBuilder out = new StringBuilder(26);
        out.append(time.getYear()).append('-');
        pad2(out, time.getMonthValue()).append('-');
        pad2(out, time.getDayOfMonth()).append(' ');
        pad2(out, time.getHour()).append(':');
        pad2(out, time.getMinute()).append(':');
        pad2(out, time.getSecond());
        if (micros != 0) {
            String fraction = Integer.toString(1_000_000 + micros).substring(1);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(fraction, 0, end);
        }
        return out.toString();
    }

    /** {@code timestamptz} output in a UTC session: {@code 2026-11-22 10:11:12.123456+00}. */
    static String timestamptz(long pgMicros) {
        return timestamp(pgMicros) + "+00";
    }

    /** {@code date} output: {@code 1987-04-12}. */
    static String date(int year, int month, int day) {
        StringBuilder out = new StringBuilder(10).append(year).append('-');
        pad2(out, month).append('-');
        return pad2(out, day).toString();
    }

    /** {@code char(n)} output: the value padded with spaces to {@code n} characters. */
    static String bpchar(String value, int length) {
        StringBuilder out = new StringBuilder(length).append(value);
        while (out.length() < length) {
            out.append(' ');
        }
        return out.toString();
    }

    /** {@code uuid} output: 36 lower-case characters. */
    static String uuid(Random random) {
        StringBuilder out = new StringBuilder(36);
        for (int i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20) {
                out.append('-');
            }
            out.append(HEX[random.nextInt(16)]);
        }
        return out.toString();
    }

    /** {@code bytea} output in the default {@code hex} format: {@code \x} then two hex digits a byte. */
    static String byteaHex(Random random, int bytes) {
        StringBuilder out = new StringBuilder(2 + bytes * 2).append("\\x");
        for (int i = 0; i < bytes * 2; i++) {
            out.append(HEX[random.nextInt(16)]);
        }
        return out.toString();
    }

    /** {@code numeric(p, 2)} output: {@code -123.45}. */
    static String money(long cents) {
        long abs = Math.abs(cents);
        return (cents < 0 ? "-" : "") + abs / 100 + "." + (abs % 100 < 10 ? "0" : "") + abs % 100;
    }

    /** Prose of exactly {@code bytes} ASCII characters. */
    static String prose(Random random, int bytes) {
        StringBuilder out = new StringBuilder(bytes + 16);
        while (out.length() < bytes) {
            if (out.length() > 0) {
                out.append(random.nextInt(12) == 0 ? ". " : " ");
            }
            out.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
        }
        out.setLength(bytes);
        return out.toString();
    }

    /** A word from the fixture vocabulary. */
    static String word(Random random) {
        return VOCABULARY[random.nextInt(VOCABULARY.length)];
    }

    private static StringBuilder pad2(StringBuilder out, int value) {
        return out.append(value < 10 ? "0" : "").append(value);
    }
}
