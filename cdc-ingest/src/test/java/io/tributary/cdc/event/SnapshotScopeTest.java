package io.tributary.cdc.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotScopeTest {
    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Test
    void theWholeTableIsEveryRow() {
        assertThat(SnapshotScope.whole().isWhole()).isTrue();
        assertThat(SnapshotScope.whole().condition(SnapshotScopeTest::quote)).isEqualTo("1");
    }

    @Test
    void rangesOfOneKeyColumnAreHalfOpenIntervals() {
        SnapshotScope scope = SnapshotScope.ranges(List.of("id"), List.of(
                new SnapshotScope.KeyRange(null, List.of("100")),
                new SnapshotScope.KeyRange(List.of("200"), List.of("300")),
                new SnapshotScope.KeyRange(List.of("18446744073709551614"), null)), 3);
        assertThat(scope.condition(SnapshotScopeTest::quote)).isEqualTo(
                "(`id` <= 100) OR (`id` > 200 AND `id` <= 300) OR (`id` > 18446744073709551614)");
    }

    @Test
    void aCompositeKeyIsComparedAsATuple() {
        SnapshotScope scope = SnapshotScope.ranges(List.of("a", "b`"), List.of(
                new SnapshotScope.KeyRange(List.of("1", "-5"), List.of("2", "0"))), 0);
        assertThat(scope.condition(SnapshotScopeTest::quote))
                .isEqualTo("((`a`, `b```) > (1, -5) AND (`a`, `b```) <= (2, 0))");
    }

    @Test
    void decimalDateAndDateTimeBoundsAreTypedLiterals() {
        SnapshotScope scope = SnapshotScope.ranges(List.of("at", "day", "amount"), List.of(
                new SnapshotScope.KeyRange(List.of("2024-01-31 12:00:00.250", "2024-01-31", "-1.50"),
                        List.of("2024-02-01 00:00:00", "2024-02-01", "123456789012345678901234567890"))), 0);
        assertThat(scope.condition(SnapshotScopeTest::quote)).isEqualTo("((`at`, `day`, `amount`) > "
                + "(toDateTime64('2024-01-31 12:00:00.250', 3, 'UTC'), toDate32('2024-01-31'), toDecimal256('-1.50', 2))"
                + " AND (`at`, `day`, `amount`) <= (toDateTime64('2024-02-01 00:00:00', 0, 'UTC'), "
                + "toDate32('2024-02-01'), toDecimal256('123456789012345678901234567890', 0)))");
    }

    @Test
    void boundsMustBeKeyLiteralsOfTheKeysWidth() {
        assertThatThrownBy(() -> SnapshotScope.ranges(List.of("id"),
                List.of(new SnapshotScope.KeyRange(null, List.of("1) OR (1"))), 0))
                .hasMessageContaining("must be an integer, a decimal, a date or a date-time of the years 1900-2299, "
                        + "got '1) OR (1'");
        assertThatThrownBy(() -> SnapshotScope.ranges(List.of("at"),
                List.of(new SnapshotScope.KeyRange(null, List.of("2300-01-01 00:00:00"))), 0))
                .hasMessageContaining("got '2300-01-01 00:00:00'");
        assertThatThrownBy(() -> SnapshotScope.ranges(List.of("id"),
                List.of(new SnapshotScope.KeyRange(null, List.of("2024-01-01')) OR 1=1 --"))), 0))
                .hasMessageContaining("must be an integer");
        assertThatThrownBy(() -> SnapshotScope.ranges(List.of("a", "b"),
                List.of(new SnapshotScope.KeyRange(null, List.of("1"))), 0))
                .hasMessageContaining("a bound of 1 values for the key [a, b]");
        assertThatThrownBy(() -> SnapshotScope.ranges(List.of("id"), List.of(), 0))
                .hasMessageContaining("at least one range");
        assertThatThrownBy(() -> new SnapshotScope(List.of(), List.of(), 2)).hasMessageContaining("chunks done");
    }
}
