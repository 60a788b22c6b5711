package io.tributary.sink.clickhouse.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.sink.clickhouse.client.ClickHouseException;
import io.tributary.sink.clickhouse.schema.TableEventsTable;
import org.junit.jupiter.api.Test;

class ClickHouseTableControlTest {
    @Test
    void errorMessagesSurviveTheTsvRoundTrip() {
        String message = "Column shop.t.d has '1000-01-01'\tat\nbinlog.000002:17 \\ C:\\path";
        String row = TableEventsTable.row("shop.t", "parked", "binlog.000002:17", message);
        String[] fields = row.substring(0, row.length() - 1).split("\t", -1);
        assertThat(fields).hasSize(4);
        assertThat(io.tributary.sink.clickhouse.client.TsvText.unescape(fields[3])).isEqualTo(message);
        assertThat(io.tributary.sink.clickhouse.client.TsvText.unescape(fields[0])).isEqualTo("shop.t");
    }

    @Test
    void onlyRowRejectionsParkATable() {
        assertThat(new ClickHouseException(469, "VIOLATED_CONSTRAINT", null).isRowRejection()).isTrue();
        assertThat(new ClickHouseException(27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", null).isRowRejection()).isTrue();
        assertThat(new ClickHouseException(516, "AUTHENTICATION_FAILED", null).isRowRejection()).isFalse();
        assertThat(new ClickHouseException(-1, "unreachable", null).isRowRejection()).isFalse();
        assertThat(new ClickHouseException(252, "TOO_MANY_PARTS", null).isRowRejection()).isFalse();
    }
}
