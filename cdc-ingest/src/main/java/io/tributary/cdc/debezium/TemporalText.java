package io.tributary.cdc.debezium;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Canonical text for temporal values, with exactly the column's fractional digits. */
final class TemporalText {
    private TemporalText() {}

    static String date(int epochDay) {
        return LocalDate.ofEpochDay(epochDay).toString();
    }

    /** Wall-clock DATETIME from Debezium's epoch-based encoding (no zone shift: UTC is the identity). */
    static String dateTimeFromMicros(long epochMicros, int precision) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, micros * 1000, ZoneOffset.UTC);
        return format(t, micros, precision);
    }

    /** TIMESTAMP: an instant, rendered in UTC. */
    static String instant(String isoWithOffset, int precision) {
        OffsetDateTime odt = OffsetDateTime.parse(isoWithOffset);
        Instant i = odt.toInstant();
        LocalDateTime t = LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), ZoneOffset.UTC);
        return format(t, i.getNano() / 1000, precision);
    }

    /** TIME: a signed duration that may exceed 24 hours, as MySQL prints it. */
    static String time(long micros, int precision) {
        StringBuilder sb = new StringBuilder();
        if (micros < 0) {
            sb.append('-');
            micros = -micros;
        }
        long totalSeconds = micros / 1_000_000L;
        long hours = totalSeconds / 3600;
        sb.append(hours < 10 ? "0" : "").append(hours).append(':')
                .append(two(totalSeconds / 60 % 60)).append(':').append(two(totalSeconds % 60));
        appendFraction(sb, (int) (micros % 1_000_000L), precision);
        return sb.toString();
    }

    // Called for every temporal value of every row: digits are appended by hand (String.format was 5 % of the CPU).
    private static String format(LocalDateTime t, int micros, int precision) {
        StringBuilder sb = new StringBuilder(26);
        int year = t.getYear();
        if (year >= 0 && year < 1000) {
            appendDigits(sb, year, 4);
        } else {
            sb.append(year);
        }
        sb.append('-');
        appendDigits(sb, t.getMonthValue(), 2);
        sb.append('-');
        appendDigits(sb, t.getDayOfMonth(), 2);
        sb.append(' ');
        appendDigits(sb, t.getHour(), 2);
        sb.append(':');
        appendDigits(sb, t.getMinute(), 2);
        sb.append(':');
        appendDigits(sb, t.getSecond(), 2);
        appendFraction(sb, micros, precision);
        return sb.toString();
    }

    private static void appendFraction(StringBuilder sb, int micros, int precision) {
        if (precision <= 0) {
            return;
        }
        sb.append('.');
        int digits = Math.min(precision, 6);
        appendDigits(sb, micros / POWERS_OF_TEN[6 - digits], digits);
    }

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    /** {@code value} (0 <= value < 10^width) with leading zeros to {@code width} digits. */
    private static void appendDigits(StringBuilder sb, int value, int width) {
        for (int p = width - 1; p >= 0; p--) {
            sb.append((char) ('0' + value / POWERS_OF_TEN[p] % 10));
        }
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }
}
