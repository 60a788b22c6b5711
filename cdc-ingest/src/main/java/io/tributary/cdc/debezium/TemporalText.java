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

    private static String format(LocalDateTime t, int micros, int precision) {
        StringBuilder sb = new StringBuilder(26);
        int year = t.getYear();
        if (year < 1000) {
            sb.append(String.format("%04d", year));
        } else {
            sb.append(year);
        }
        sb.append('-').append(two(t.getMonthValue())).append('-').append(two(t.getDayOfMonth()))
                .append(' ').append(two(t.getHour())).append(':').append(two(t.getMinute()))
                .append(':').append(two(t.getSecond()));
        appendFraction(sb, micros, precision);
        return sb.toString();
    }

    private static void appendFraction(StringBuilder sb, int micros, int precision) {
        if (precision <= 0) {
            return;
        }
        String digits = String.format("%06d", micros);
        sb.append('.').append(digits, 0, Math.min(precision, 6));
    }

    private static String two(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }
}
