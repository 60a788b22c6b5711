package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TemporalTextTest {
    @Test
    void datetimeKeepsWallClockDigitsAndPrecision() {
        long micros = 1_139_979_273_123_456L; // 2006-02-15 04:54:33.123456
        assertThat(TemporalText.dateTimeFromMicros(micros, 6)).isEqualTo("2006-02-15 04:54:33.123456");
        assertThat(TemporalText.dateTimeFromMicros(micros, 3)).isEqualTo("2006-02-15 04:54:33.123");
        assertThat(TemporalText.dateTimeFromMicros(micros, 0)).isEqualTo("2006-02-15 04:54:33");
        assertThat(TemporalText.dateTimeFromMicros(-1, 6)).isEqualTo("1969-12-31 23:59:59.999999");
    }

    @Test
    void timestampIsRenderedInUtc() {
        assertThat(TemporalText.instant("2024-03-31T01:30:00.5+02:00", 1)).isEqualTo("2024-03-30 23:30:00.5");
        assertThat(TemporalText.instant("2006-02-15T04:34:33Z", 0)).isEqualTo("2006-02-15 04:34:33");
    }

    @Test
    void timeMayBeNegativeAndLongerThanADay() {
        assertThat(TemporalText.time(-((838L * 3600 + 59 * 60 + 59) * 1_000_000L), 0)).isEqualTo("-838:59:59");
        assertThat(TemporalText.time(3_723_000_001L, 6)).isEqualTo("01:02:03.000001");
    }

    @Test
    void fractionsKeepLeadingZerosAndAreCutToThePrecision() {
        long micros = LocalDateTimeMicros.of(99, 1, 2, 3, 4, 5, 7); // 0099-01-02 03:04:05.000007
        assertThat(TemporalText.dateTimeFromMicros(micros, 6)).isEqualTo("0099-01-02 03:04:05.000007");
        assertThat(TemporalText.dateTimeFromMicros(micros, 5)).isEqualTo("0099-01-02 03:04:05.00000");
        assertThat(TemporalText.dateTimeFromMicros(1_139_979_273_123_456L, 2)).isEqualTo("2006-02-15 04:54:33.12");
        assertThat(TemporalText.dateTimeFromMicros(253_402_300_799_999_999L, 6)).isEqualTo("9999-12-31 23:59:59.999999");
    }

    /** Epoch microseconds of a wall-clock time read as UTC. */
    private static final class LocalDateTimeMicros {
        static long of(int year, int month, int day, int hour, int minute, int second, int micros) {
            return java.time.LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(java.time.ZoneOffset.UTC)
                    * 1_000_000L + micros;
        }
    }

    @Test
    void datesBeforeYear1000KeepFourDigits() {
        assertThat(TemporalText.date(-719_162)).isEqualTo("0001-01-01");
    }
}
