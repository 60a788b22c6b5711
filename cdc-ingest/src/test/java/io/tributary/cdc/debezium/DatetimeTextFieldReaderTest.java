package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class DatetimeTextFieldReaderTest {
    private static LocalDateTime parse(String text) {
        return DatetimeTextFieldReader.parse(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readsMySqlsDatetimeTextWithAndWithoutAFraction() {
        assertThat(parse("2024-02-29 23:59:58")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 58));
        assertThat(parse("2024-02-29 23:59:58.5")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 58, 500_000_000));
        assertThat(parse("1000-01-01 00:00:00.000001")).isEqualTo(LocalDateTime.of(1000, 1, 1, 0, 0, 0, 1_000));
        assertThat(parse("0001-01-01 00:00:00")).isEqualTo(LocalDateTime.of(1, 1, 1, 0, 0, 0));
        assertThat(parse("9999-12-31 23:59:59.999999")).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
    }

    /** These go to Debezium's own reader, which knows what MySQL means by them. */
    @Test
    void leavesZeroPartsAndAnythingUnusualToDebezium() {
        assertThat(parse("0000-00-00 00:00:00")).isNull();
        assertThat(parse("2024-00-10 00:00:00")).isNull();
        assertThat(parse("2024-01-00 00:00:00")).isNull();
        assertThat(parse("0000-01-01 00:00:00")).isNull();
        assertThat(parse("2023-02-29 00:00:00")).isNull();
        assertThat(parse("2024-01-01 24:00:00")).isNull();
        assertThat(parse("2024-01-01 00:00:00.")).isNull();
        assertThat(parse("2024-01-01T00:00:00")).isNull();
        assertThat(parse("2024-01-01")).isNull();
        assertThat(parse("2024-01-01 00:00:00.1234567890")).isNull();
    }
}
