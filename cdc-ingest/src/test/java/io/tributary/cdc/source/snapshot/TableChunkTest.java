package io.tributary.cdc.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableChunkTest {
    private static Table table(Column... columns) {
        Table.editor();
        var editor = Table.editor().tableId(new TableId("d", null, "t")).addColumns(columns);
        return editor.setPrimaryKeyNames(java.util.Arrays.stream(columns).map(Column::name).toList()).create();
    }

    private static Column column(String name, String type, int jdbc) {
        return Column.editor().name(name).type(type).jdbcType(jdbc).create();
    }

    @Test
    void compositeBoundsAreSpelledOutWithParametersInOrder() {
        TableChunk chunk = new TableChunk("d.t", 1, new String[] {"1", "2024-01-01 00:00:00.000"}, new Object[] {"1", "t1"},
                new String[] {"5", "2024-02-01 00:00:00.000"}, new Object[] {"5", "t5"});
        assertThat(chunk.where(List.of("a", "b"), c -> "`" + c + "`")).isEqualTo(" WHERE ((`a` > ?) OR (`a` = ? AND `b` > ?))"
                + " AND ((`a` < ?) OR (`a` = ? AND `b` <= ?))");
        assertThat(chunk.parameters()).containsExactly("1", "1", "t1", "5", "5", "t5");
        assertThat(TableChunk.whole("d.t").where(List.of("a"), c -> c)).isEmpty();
    }

    @Test
    void keysAreOrderedAsMySqlOrdersThem() {
        KeyOrder order = KeyOrder.of(table(column("a", "BIGINT UNSIGNED", Types.BIGINT), column("b", "DECIMAL", Types.DECIMAL),
                column("c", "DATETIME", Types.TIMESTAMP), column("d", "VARBINARY", Types.VARBINARY)));
        assertThat(order.compare(new String[] {"18446744073709551615", "1", "x", "00"},
                new String[] {"9223372036854775807", "1", "x", "00"})).as("unsigned above Long.MAX_VALUE").isPositive();
        assertThat(order.compare(new String[] {"1", "10.5", "x", "00"}, new String[] {"1", "9.75", "x", "00"})).isPositive();
        assertThat(order.compare(new String[] {"1", "1", "2024-01-01 00:00:00.5", "00"},
                new String[] {"1", "1", "2024-01-01 00:00:00", "00"})).isPositive();
        assertThat(order.compare(new String[] {"1", "1", "x", "ff"}, new String[] {"1", "1", "x", "ff00"})).isNegative();
        TableChunk chunk = new TableChunk("d.t", 0, null, null, new String[] {"5", "1", "x", "00"}, new Object[4]);
        assertThat(chunk.contains(order, new String[] {"5", "1", "x", "00"})).as("upper bound inclusive").isTrue();
        assertThat(chunk.contains(order, new String[] {"5", "1", "x", "01"})).isFalse();
    }

    @Test
    void characterKeysAndNoKeyCannotBeOrdered() {
        assertThat(KeyOrder.of(table(column("w", "VARCHAR", Types.VARCHAR)))).isNull();
        assertThat(KeyOrder.of(Table.editor().tableId(new TableId("d", null, "t"))
                .addColumns(column("n", "INT", Types.INTEGER)).create())).isNull();
    }
}
