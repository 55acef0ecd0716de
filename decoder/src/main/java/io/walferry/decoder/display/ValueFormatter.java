package io.walferry.decoder.display;

import static io.walferry.decoder.display.BuiltinTypes.*;

import io.walferry.decoder.PgTime;
import io.walferry.decoder.TupleData;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.agrona.DirectBuffer;

/**
 * Renders column values as PostgreSQL's text output would show them (with {@code DateStyle = ISO}
 * and {@code TimeZone = UTC}). Text values pass through; binary values of common built-in types are
 * converted (integers, floats, numeric, bool, text types, bytea, uuid, json/jsonb, date/time types,
 * interval, inet/cidr, and one-dimensional or nested arrays of these). For other binary values
 * {@link #appendBinary} returns false and the caller shows the bytes, e.g. as hex.
 */
public final class ValueFormatter {
    private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int DATE_INFINITY = Integer.MAX_VALUE;
    private static final int DATE_NEGATIVE_INFINITY = Integer.MIN_VALUE;
    /** Days between 1970-01-01 and 2000-01-01. */
    private static final int PG_EPOCH_DAYS = 10_957;

    private ValueFormatter() {
    }

    /**
     * The value of column {@code index} of {@code tuple} as text, or {@code null} for SQL NULL.
     * Binary values of types this class cannot render come out as {@code \x} and hex.
     *
     * @throws IllegalStateException for an unchanged TOAST value, which has no contents to show
     */
    public static String format(TupleData tuple, int index, int typeOid) {
        byte kind = tuple.kind(index);
        if (kind == TupleData.NULL) {
            return null;
        }
        if (kind == TupleData.UNCHANGED_TOAST) {
            throw new IllegalStateException("column " + (index + 1) + " is an unchanged TOAST value: its contents were not sent");
        }
        if (kind == TupleData.TEXT) {
            return tuple.text(index);
        }
        StringBuilder out = new StringBuilder();
        if (!appendBinary(tuple.buffer(), tuple.valueOffset(index), tuple.valueLength(index), typeOid, out)) {
            out.setLength(0);
            appendHex(tuple.buffer(), tuple.valueOffset(index), tuple.valueLength(index), out);
        }
        return out.toString();
    }

    /**
     * Appends the text form of a binary-format value of type {@code typeOid}.
     *
     * @return false (with {@code out} possibly partly written) when the type is not one this class
     *         renders or the bytes do not fit its binary format
     */
    public static boolean appendBinary(DirectBuffer buffer, int offset, int length, int typeOid, StringBuilder out) {
        int mark = out.length();
        try {
            boolean done = appendKnown(buffer, offset, length, typeOid, out);
            if (!done) {
                out.setLength(mark);
            }
            return done;
        } catch (IndexOutOfBoundsException | IllegalArgumentException | ArithmeticException e) {
            out.setLength(mark);
            return false;
        }
    }

    private static boolean appendKnown(DirectBuffer b, int off, int len, int typeOid, StringBuilder out) {
        switch (typeOid) {
            case BOOL:
                return fixed(len, 1) && out.append(b.getByte(off) != 0 ? 't' : 'f') != null;
            case INT2:
                return fixed(len, 2) && out.append(b.getShort(off, BE)) != null;
            case INT4:
                return fixed(len, 4) && out.append(b.getInt(off, BE)) != null;
            case OID:
                return fixed(len, 4) && out.append(Integer.toUnsignedString(b.getInt(off, BE))) != null;
            case INT8:
                return fixed(len, 8) && out.append(b.getLong(off, BE)) != null;
            case FLOAT4:
                return fixed(len, 4) && appendFloat(b.getFloat(off, BE), out);
            case FLOAT8:
                return fixed(len, 8) && appendFloat(b.getDouble(off, BE), out);
            case TEXT: case VARCHAR: case BPCHAR: case NAME: case CHAR: case JSON: case XML:
                out.append(utf8(b, off, len));
                return true;
            case JSONB:
                // jsonb binary format: a version byte (1) followed by the JSON text.
                return len >= 1 && b.getByte(off) == 1 && out.append(utf8(b, off + 1, len - 1)) != null;
            case BYTEA:
                appendHex(b, off, len, out);
                return true;
            case UUID:
                return fixed(len, 16) && appendUuid(b, off, out);
            case DATE:
                return fixed(len, 4) && appendDate(b.getInt(off, BE), out);
            case TIMESTAMP:
                return fixed(len, 8) && appendTimestamp(b.getLong(off, BE), false, out);
            case TIMESTAMPTZ:
                return fixed(len, 8) && appendTimestamp(b.getLong(off, BE), true, out);
            case TIME:
                return fixed(len, 8) && appendTime(b.getLong(off, BE), out);
            case INTERVAL:
                return fixed(len, 16) && appendInterval(b.getLong(off, BE), b.getInt(off + 8, BE), b.getInt(off + 12, BE), out);
            case NUMERIC:
                return appendNumeric(b, off, len, out);
            case INET: case CIDR:
                return appendInet(b, off, len, typeOid == CIDR, out);
            default:
                return ArrayFormatter.append(b, off, len, typeOid, out);
        }
    }

    private static boolean fixed(int length, int expected) {
        return length == expected;
    }

    static String utf8(DirectBuffer buffer, int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Appends {@code \x} and the bytes in lower-case hex, as {@code bytea_output = hex} does. */
    public static void appendHex(DirectBuffer buffer, int offset, int length, StringBuilder out) {
        out.append("\\x");
        for (int i = 0; i < length; i++) {
            int value = buffer.getByte(offset + i) & 0xFF;
            out.append(HEX[value >>> 4]).append(HEX[value & 0xF]);
        }
    }

    private static boolean appendFloat(double value, StringBuilder out) {
        if (Double.isNaN(value)) {
            out.append("NaN");
        } else if (Double.isInfinite(value)) {
            out.append(value > 0 ? "Infinity" : "-Infinity");
        } else if (value == 0) {
            out.append(1 / value < 0 ? "-0" : "0");
        } else {
            // Shortest round-trip digits, printed plainly like PostgreSQL for moderate exponents.
            BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
            int exponent = decimal.precision() - decimal.scale() - 1;
            if (exponent < -4 || exponent >= 15) {
                String digits = decimal.unscaledValue().abs().toString();
                out.append(value < 0 ? "-" : "").append(digits.charAt(0));
                if (digits.length() > 1) {
                    out.append('.').append(digits, 1, digits.length());
                }
                out.append(exponent < 0 ? "e-" : "e+");
                int abs = Math.abs(exponent);
                out.append(abs < 10 ? "0" : "").append(abs);
            } else {
                out.append(decimal.toPlainString());
            }
        }
        return true;
    }

    private static boolean appendUuid(DirectBuffer b, int off, StringBuilder out) {
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                out.append('-');
            }
            int value = b.getByte(off + i) & 0xFF;
            out.append(HEX[value >>> 4]).append(HEX[value & 0xF]);
        }
        return true;
    }

    static boolean appendDate(int pgDays, StringBuilder out) {
        if (pgDays == DATE_INFINITY) {
            out.append("infinity");
            return true;
        }
        if (pgDays == DATE_NEGATIVE_INFINITY) {
            out.append("-infinity");
            return true;
        }
        if (appendIsoDate(LocalDate.ofEpochDay((long) pgDays + PG_EPOCH_DAYS), out)) {
            out.append(" BC");
        }
        return true;
    }

    private static boolean appendIsoDate(LocalDate date, StringBuilder out) {
        int year = date.getYear();
        boolean bc = year <= 0;
        pad(out, bc ? 1 - year : year, 4).append('-');
        pad(out, date.getMonthValue(), 2).append('-');
        pad(out, date.getDayOfMonth(), 2);
        return bc;
    }

    static boolean appendTimestamp(long pgMicros, boolean withZone, StringBuilder out) {
        if (pgMicros == PgTime.INFINITY) {
            out.append("infinity");
            return true;
        }
        if (pgMicros == PgTime.NEGATIVE_INFINITY) {
            out.append("-infinity");
            return true;
        }
        long seconds = Math.floorDiv(pgMicros, 1_000_000L) + PgTime.PG_EPOCH_UNIX_SECONDS;
        long micros = Math.floorMod(pgMicros, 1_000_000L);
        LocalDateTime time = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        boolean bc = appendIsoDate(time.toLocalDate(), out);
        out.append(' ');
        appendClock(time.getHour(), time.getMinute(), time.getSecond(), micros, out);
        if (withZone) {
            out.append("+00");
        }
        if (bc) {
            out.append(" BC");
        }
        return true;
    }

    private static boolean appendTime(long micros, StringBuilder out) {
        long seconds = micros / 1_000_000L;
        appendClock((int) (seconds / 3600), (int) (seconds / 60 % 60), (int) (seconds % 60), micros % 1_000_000L, out);
        return true;
    }

    private static void appendClock(int hours, int minutes, int seconds, long micros, StringBuilder out) {
        pad(out, hours, 2).append(':');
        pad(out, minutes, 2).append(':');
        pad(out, seconds, 2);
        appendFraction(micros, out);
    }

    private static void appendFraction(long micros, StringBuilder out) {
        if (micros == 0) {
            return;
        }
        String digits = Long.toString(1_000_000L + micros).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        out.append('.').append(digits, 0, end);
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    /** Interval in PostgreSQL's default {@code postgres} style: {@code 1 year 2 mons 3 days 04:05:06}. */
    private static boolean appendInterval(long micros, int days, int months, StringBuilder out) {
        int mark = out.length();
        int years = months / 12;
        int mons = months % 12;
        appendPart(out, mark, years, "year");
        appendPart(out, mark, mons, "mon");
        appendPart(out, mark, days, "day");
        if (micros != 0 || out.length() == mark) {
            if (out.length() > mark) {
                out.append(' ');
            }
            if (micros < 0) {
                out.append('-');
                micros = -micros;
            }
            long seconds = micros / 1_000_000L;
            pad(out, seconds / 3600, 2).append(':');
            pad(out, seconds / 60 % 60, 2).append(':');
            pad(out, seconds % 60, 2);
            appendFraction(micros % 1_000_000L, out);
        }
        return true;
    }

    private static void appendPart(StringBuilder out, int mark, int amount, String unit) {
        if (amount == 0) {
            return;
        }
        if (out.length() > mark) {
            out.append(' ');
        }
        out.append(amount).append(' ').append(unit);
        if (amount != 1 && amount != -1) {
            out.append('s');
        }
    }

    /**
     * Numeric binary format: {@code Int16} ndigits, {@code Int16} weight, {@code UInt16} sign,
     * {@code Int16} dscale, then ndigits base-10000 digits.
     */
    private static boolean appendNumeric(DirectBuffer b, int off, int len, StringBuilder out) {
        if (len < 8) {
            return false;
        }
        int ndigits = b.getShort(off, BE);
        int weight = b.getShort(off + 2, BE);
        int sign = b.getShort(off + 4, BE) & 0xFFFF;
        int dscale = b.getShort(off + 6, BE);
        if (len != 8 + 2 * ndigits || ndigits < 0 || dscale < 0) {
            return false;
        }
        switch (sign) {
            case 0xC000:
                out.append("NaN");
                return true;
            case 0xD000:
                out.append("Infinity");
                return true;
            case 0xF000:
                out.append("-Infinity");
                return true;
            case 0x0000: case 0x4000:
                break;
            default:
                return false;
        }
        BigDecimal value = BigDecimal.ZERO;
        for (int i = 0; i < ndigits; i++) {
            int digit = b.getShort(off + 8 + 2 * i, BE);
            value = value.add(BigDecimal.valueOf(digit).scaleByPowerOfTen(4 * (weight - i)));
        }
        value = value.setScale(dscale, java.math.RoundingMode.UNNECESSARY);
        if (sign == 0x4000) {
            value = value.negate();
        }
        out.append(value.toPlainString());
        return true;
    }

    /** inet/cidr binary format: family (2 = IPv4, 3 = IPv6), bits, is_cidr, address length, address. */
    private static boolean appendInet(DirectBuffer b, int off, int len, boolean cidr, StringBuilder out) {
        if (len < 4) {
            return false;
        }
        int family = b.getByte(off);
        int bits = b.getByte(off + 1) & 0xFF;
        int addressLength = b.getByte(off + 3) & 0xFF;
        if (len != 4 + addressLength || (family == 2 && addressLength != 4) || (family == 3 && addressLength != 16)) {
            return false;
        }
        if (family == 2) {
            for (int i = 0; i < 4; i++) {
                out.append(i > 0 ? "." : "").append(b.getByte(off + 4 + i) & 0xFF);
            }
        } else if (family == 3) {
            appendIpv6(b, off + 4, out);
        } else {
            return false;
        }
        int fullBits = addressLength * 8;
        if (cidr || bits != fullBits) {
            out.append('/').append(bits);
        }
        return true;
    }

    /**
     * IPv6 as PostgreSQL's {@code inet_net_ntop} writes it: groups in lower-case hex without leading
     * zeros, the first longest run of two or more zero groups as {@code ::}, and the last 32 bits
     * dotted for IPv4-compatible and IPv4-mapped addresses ({@code ::1.2.3.4}, {@code ::ffff:1.2.3.4}).
     */
    private static void appendIpv6(DirectBuffer b, int off, StringBuilder out) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = b.getShort(off + 2 * i, BE) & 0xFFFF;
        }
        int bestBase = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestBase = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2) {
            bestBase = -1;
        }
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLength) {
                if (i == bestBase) {
                    out.append(':');
                }
                continue;
            }
            if (i != 0) {
                out.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 7 && words[7] != 1)
                    || (bestLength == 5 && words[5] == 0xFFFF))) {
                for (int k = 12; k < 16; k++) {
                    out.append(k > 12 ? "." : "").append(b.getByte(off + k) & 0xFF);
                }
                return;
            }
            out.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLength == 8) {
            out.append(':');
        }
    }
}
