package io.tributary.api.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The one routine that turns request text into values bound as ClickHouse parameters. */
class ParameterTypeTest {
    @Test
    void integersAreCheckedAgainstTheirTypeRange() {
        assertThat(ParameterType.UINT64.canonical("18446744073709551615")).isEqualTo("18446744073709551615");
        assertThat(ParameterType.INT8.canonical("-128")).isEqualTo("-128");
        assertThat(ParameterType.INT32.canonical("+007")).isEqualTo("7");
        for (String bad : new String[] {"18446744073709551616", "-1", "1.0", "1 OR 1=1", "0x10", "", "１"}) {
            assertThatThrownBy(() -> ParameterType.UINT64.canonical(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ParameterType.INT8.canonical("128")).hasMessageContaining("outside Int8 (-128 to 127)");
    }

    @Test
    void floatsDecimalsBooleans() {
        assertThat(ParameterType.FLOAT64.canonical("1e3")).isEqualTo("1000.0");
        assertThat(ParameterType.FLOAT64.canonical("-0.5")).isEqualTo("-0.5");
        for (String bad : new String[] {"NaN", "Infinity", "1e999", "0x1p3", "1f", "1d"}) {
            assertThatThrownBy(() -> ParameterType.FLOAT64.canonical(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ParameterType.DECIMAL.canonical("0012.500")).isEqualTo("12.500");
        assertThatThrownBy(() -> ParameterType.DECIMAL.canonical("1e5")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ParameterType.BOOL.canonical("TRUE")).isEqualTo("true");
        assertThat(ParameterType.BOOL.canonical("0")).isEqualTo("false");
        assertThatThrownBy(() -> ParameterType.BOOL.canonical("yes")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void datesAreIso() {
        assertThat(ParameterType.DATE.canonical("2005-05-24")).isEqualTo("2005-05-24");
        assertThat(ParameterType.DATETIME.canonical("2005-05-24T22:53")).isEqualTo("2005-05-24 22:53:00");
        assertThat(ParameterType.DATETIME.canonical("2005-05-24 22:53:30")).isEqualTo("2005-05-24 22:53:30");
        for (String bad : new String[] {"2005-02-30", "24/05/2005", "2005-05-24'", "now()"}) {
            assertThatThrownBy(() -> ParameterType.DATE.canonical(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void stringsPassAsTheyAreButBounded() {
        String hostile = "x' OR 1=1; DROP TABLE t; -- /* \u2019 \uD83D\uDE00";
        assertThat(ParameterType.STRING.canonical(hostile)).isEqualTo(hostile);
        assertThatThrownBy(() -> ParameterType.STRING.canonical("a\0b")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> ParameterType.STRING.canonical("x".repeat(5000))).hasMessageContaining("longer than");
    }
}
