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
}
