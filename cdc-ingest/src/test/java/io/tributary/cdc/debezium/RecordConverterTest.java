package io.tributary.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SourcePosition;
import org.junit.jupiter.api.Test;

class RecordConverterTest {
    private static final SourcePosition AT = SourcePosition.binlog("binlog.000002", 4711, 0);

    private static ColumnSchema column(String type) {
        return new ColumnSchema("d", type, -1, -1, true, false);
    }

    @Test
    void datesClickHouseCannotHoldStopWithTheValueAndPlace() {
        for (String type : new String[] {"DATE", "DATETIME", "TIMESTAMP"}) {
            assertThatCode(() -> RecordConverter.requireClickHouseRange("db", "t", column(type), "1900-01-01", AT))
                    .doesNotThrowAnyException();
            assertThatCode(() -> RecordConverter.requireClickHouseRange("db", "t", column(type),
                    "2299-12-31 23:59:59.999999", AT)).doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> RecordConverter.requireClickHouseRange("db", "t", column("DATE"), "1000-01-01", AT))
                .hasMessageContaining("db.t.d (DATE) has the value '1000-01-01' at " + AT)
                .hasMessageContaining("1900-01-01 to 2299-12-31");
        assertThatThrownBy(() -> RecordConverter.requireClickHouseRange("db", "t", column("DATETIME"),
                "9999-12-31 23:59:59", AT)).hasMessageContaining("'9999-12-31 23:59:59'");
        assertThatCode(() -> RecordConverter.requireClickHouseRange("db", "t", column("VARCHAR"), "0001-01-01", AT))
                .doesNotThrowAnyException();
        assertThatCode(() -> RecordConverter.requireClickHouseRange("db", "t", column("DATE"), null, AT))
                .doesNotThrowAnyException();
    }

    @Test
    void eventsInsideACompressedPayloadAreNumberedByDebeziumsEventCount() {
        // Inside a payload the transaction (its BEGIN is inside too) restarts at the event's own position.
        assertThat(RecordConverter.eventInPayload(203_613, java.util.Map.of("file", "binlog.000002", "pos", 203_613L,
                "event", 3L, "row", 1))).isEqualTo(3);
        // Outside one the BEGIN comes first: the restart position is lower, the event has its own position.
        assertThat(RecordConverter.eventInPayload(196_123, java.util.Map.of("file", "binlog.000002", "pos", 195_985L,
                "event", 3L, "row", 1))).isZero();
        assertThat(RecordConverter.eventInPayload(196_123, java.util.Map.of("file", "binlog.000002", "pos", 196_123L)))
                .as("no event count").isZero();
        assertThat(RecordConverter.eventInPayload(196_123, null)).isZero();
    }
}
