package io.tributary.cdc.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class KeyLiteralTest {
    @Test
    void onlyValuesBothServersReadAlikeAreBounds() {
        assertThat(KeyLiteral.isBound("-9223372036854775808")).isTrue();
        assertThat(KeyLiteral.isBound("18446744073709551615")).isTrue();
        assertThat(KeyLiteral.isBound("-0.000001")).isTrue();
        assertThat(KeyLiteral.isBound("1900-01-01")).isTrue();
        assertThat(KeyLiteral.isBound("2299-12-31 23:59:59.999999")).isTrue();
        // ClickHouse's Date32 and DateTime64 clamp outside 1900-2299, MySQL's zero date has no ClickHouse value.
        assertThat(KeyLiteral.isBound("1899-12-31")).isFalse();
        assertThat(KeyLiteral.isBound("2300-01-01 00:00:00")).isFalse();
        assertThat(KeyLiteral.isBound("0000-00-00")).isFalse();
        // Text, floats in exponent form, partial values, injections.
        assertThat(KeyLiteral.isBound("abc")).isFalse();
        assertThat(KeyLiteral.isBound("1e5")).isFalse();
        assertThat(KeyLiteral.isBound("2024-01-01T00:00:00")).isFalse();
        assertThat(KeyLiteral.isBound("2024-01-01 00:00:00.1234567")).isFalse();
        assertThat(KeyLiteral.isBound("1 OR 1=1")).isFalse();
        assertThat(KeyLiteral.isBound(null)).isFalse();
    }

    @Test
    void eachServerGetsATypedLiteral() {
        assertThat(KeyLiteral.clickhouse("-5")).isEqualTo("-5");
        assertThat(KeyLiteral.clickhouse("18446744073709551615")).isEqualTo("18446744073709551615");
        // Wider than 64 bits ClickHouse would read a Float64: an exact decimal instead.
        assertThat(KeyLiteral.clickhouse("18446744073709551616")).isEqualTo("toDecimal256('18446744073709551616', 0)");
        assertThat(KeyLiteral.clickhouse("-9223372036854775809")).isEqualTo("toDecimal256('-9223372036854775809', 0)");
        assertThat(KeyLiteral.clickhouse("12.50")).isEqualTo("toDecimal256('12.50', 2)");
        assertThat(KeyLiteral.clickhouse("2024-02-29")).isEqualTo("toDate32('2024-02-29')");
        assertThat(KeyLiteral.clickhouse("2024-02-29 23:59:59.5")).isEqualTo("toDateTime64('2024-02-29 23:59:59.5', 1, 'UTC')");
        assertThat(KeyLiteral.mysql("12.50")).isEqualTo("12.50");
        assertThat(KeyLiteral.mysql("2024-02-29")).isEqualTo("DATE'2024-02-29'");
        assertThat(KeyLiteral.mysql("2024-02-29 23:59:59")).isEqualTo("TIMESTAMP'2024-02-29 23:59:59'");
        assertThat(KeyLiteral.mysqlParameter("12.50")).isEqualTo(new BigDecimal("12.50"));
        assertThat(KeyLiteral.mysqlParameter("2024-02-29")).isEqualTo("2024-02-29");
        assertThatThrownBy(() -> KeyLiteral.clickhouse("x')")).hasMessageContaining("got 'x')'");
        assertThatThrownBy(() -> KeyLiteral.mysql("x')")).hasMessageContaining("got 'x')'");
    }

    @Test
    void valuesCompareByValueWithinTheirKind() {
        assertThat(KeyLiteral.compare("1.50", "1.5")).isZero();
        assertThat(KeyLiteral.compare("10", "9.99")).isPositive();
        assertThat(KeyLiteral.compare("-18446744073709551616", "-1")).isNegative();
        assertThat(KeyLiteral.compare("2024-01-01 00:00:00.000001", "2024-01-01 00:00:00.000002")).isNegative();
        assertThat(KeyLiteral.compare("2023-12-31", "2024-01-01")).isNegative();
        assertThatThrownBy(() -> KeyLiteral.compare("1", "2024-01-01")).hasMessageContaining("not values of one key column");
    }
}
