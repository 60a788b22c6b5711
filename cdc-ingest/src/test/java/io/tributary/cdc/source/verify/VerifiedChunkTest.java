package io.tributary.cdc.source.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import io.tributary.cdc.source.snapshot.GtidSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifiedChunkTest {
    private static final String U = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    /** Columns in table order (v, a, b); the key declared as (b, a). */
    private static final TableSchema SCHEMA = new TableSchema(List.of(new ColumnSchema("v", "INT", -1, -1, true, false),
            new ColumnSchema("a", "INT", -1, -1, false, true), new ColumnSchema("b", "BIGINT", -1, -1, false, true)));

    private static VerifiedChunk chunk() {
        VerifiedChunk c = new VerifiedChunk("d.t", List.of("b", "a"),
                new SnapshotScope.KeyRange(List.of("10", "5"), List.of("20", "0")));
        c.lowWatermark(GtidSet.parse(U + ":1-100"));
        return c;
    }

    private static ChangeEvent update(String a, String b) {
        return new ChangeEvent("d", "t", ChangeEvent.Op.UPDATE, SourcePosition.binlog("binlog.000001", 500, 0), 0, SCHEMA,
                new String[] {"1", a, b});
    }

    @Test
    void aChangeInsideTheRangeAfterTheViewIsLeftOutByItsKeyInKeyOrder() {
        VerifiedChunk c = chunk();
        c.sees(update("7", "15"), U + ":101");
        c.sees(update("9", "10"), U + ":102"); // (10, 9) > (10, 5): inside
        assertThat(c.changedKeys()).containsExactly(List.of("15", "7"), List.of("10", "9"));
        assertThat(c.changed()).isFalse();
        assertThat(c.mysqlWithoutKeys(c.changedKeys())).isEqualTo("(`b`, `a`) NOT IN ((15, 7), (10, 9))");
        assertThat(c.clickhouseWithoutKeys(c.changedKeys())).isEqualTo("(`b`, `a`) NOT IN ((15, 7), (10, 9))");
    }

    @Test
    void changesOutsideTheRangeOrHeldByTheViewDoNotCount() {
        VerifiedChunk c = chunk();
        c.sees(update("5", "10"), U + ":101"); // (10, 5) is the exclusive lower bound
        c.sees(update("1", "20"), U + ":102"); // (20, 1) > (20, 0), the inclusive upper bound
        c.sees(update("7", "15"), U + ":50"); // in the low watermark: the view holds it
        c.sees(new ChangeEvent("d", "other", ChangeEvent.Op.UPDATE, SourcePosition.binlog("binlog.000001", 500, 0), 0,
                SCHEMA, new String[] {"1", "7", "15"}), U + ":103");
        assertThat(c.changedKeys()).isEmpty();
        assertThat(c.changed()).isFalse();
        c.sees(update("0", "20"), U + ":104"); // the upper bound itself is inside
        assertThat(c.changedKeys()).containsExactly(List.of("20", "0"));
    }

    @Test
    void aTableWideStatementOrTooManyKeysMakeTheCheckInconclusive() {
        VerifiedChunk c = chunk();
        c.sees(ChangeEvent.ddl("d", "t", SourcePosition.binlog("binlog.000001", 600, 0), 0, "ALTER TABLE t ADD c INT"),
                U + ":101");
        assertThat(c.changed()).isTrue();

        VerifiedChunk many = chunk();
        for (int i = 0; i <= VerifiedChunk.MAX_CHANGED_KEYS; i++) {
            many.sees(update(Integer.toString(i), "15"), U + ":" + (200 + i));
        }
        assertThat(many.changed()).isTrue();
    }

    @Test
    void anyChangeOfAWholeTableCheckMakesItInconclusive() {
        VerifiedChunk whole = new VerifiedChunk("d.t", List.of(), null);
        whole.lowWatermark(GtidSet.parse(U + ":1-100"));
        whole.sees(update("1", "1"), U + ":50");
        assertThat(whole.changed()).isFalse();
        whole.sees(update("1", "1"), U + ":101");
        assertThat(whole.changed()).isTrue();
        assertThat(whole.mysqlWithoutKeys(Set.of())).isEqualTo("1");
    }

    @Test
    void aDateTimeAndDecimalKeyIsPlacedByValueAndExcludedByTypedLiterals() {
        TableSchema schema = new TableSchema(List.of(new ColumnSchema("at", "DATETIME", 6, -1, false, true),
                new ColumnSchema("amount", "DECIMAL", 12, 2, false, true)));
        VerifiedChunk c = new VerifiedChunk("d.t", List.of("at", "amount"), new SnapshotScope.KeyRange(
                List.of("2024-01-01 00:00:00.500000", "1.50"), List.of("2024-01-02 00:00:00.000000", "9.5")));
        c.lowWatermark(GtidSet.parse(U + ":1-100"));
        java.util.function.BiConsumer<String, String> change = (at, amount) -> c.sees(new ChangeEvent("d", "t",
                ChangeEvent.Op.UPDATE, SourcePosition.binlog("binlog.000001", 500, 0), 0, schema,
                new String[] {at, amount}), U + ":101");
        change.accept("2024-01-01 00:00:00.500000", "1.5"); // the lower bound by value: outside
        change.accept("2024-01-02 00:00:00.000000", "10.00"); // above the upper bound by value: outside
        change.accept("2024-01-01 00:00:00.500000", "2.00");
        assertThat(c.changedKeys()).containsExactly(List.of("2024-01-01 00:00:00.500000", "2.00"));
        assertThat(c.mysqlWithoutKeys(c.changedKeys()))
                .isEqualTo("(`at`, `amount`) NOT IN ((TIMESTAMP'2024-01-01 00:00:00.500000', 2.00))");
        assertThat(c.clickhouseWithoutKeys(c.changedKeys())).isEqualTo("(`at`, `amount`) NOT IN "
                + "((toDateTime64('2024-01-01 00:00:00.500000', 6, 'UTC'), toDecimal256('2.00', 2)))");
        assertThat(c.changed()).isFalse();
        change.accept("2300-01-01 00:00:00.000000", "1.00"); // ClickHouse would clamp it: the check cannot exclude it
        assertThat(c.changed()).isTrue();
    }

    @Test
    void beforeTheLowWatermarkIsReadEveryChangeInTheRangeCounts() {
        VerifiedChunk c = new VerifiedChunk("d.t", List.of("b", "a"),
                new SnapshotScope.KeyRange(List.of("10", "5"), List.of("20", "0")));
        c.sees(update("7", "15"), U + ":1");
        assertThat(c.changedKeys()).containsExactly(List.of("15", "7"));
    }
}
