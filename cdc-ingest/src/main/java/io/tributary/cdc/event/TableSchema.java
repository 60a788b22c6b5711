package io.tributary.cdc.event;

import java.util.Arrays;
import java.util.List;

/** The columns of one captured table, in MySQL's order, as carried by its change events. */
public record TableSchema(List<ColumnSchema> columns) {
    public TableSchema {
        columns = List.copyOf(columns);
    }

    public int[] keyIndexes() {
        return java.util.stream.IntStream.range(0, columns.size()).filter(i -> columns.get(i).key()).toArray();
    }

    public List<String> names() {
        return columns.stream().map(ColumnSchema::name).toList();
    }

    public ColumnSchema column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return Arrays.toString(columns.toArray());
    }
}
