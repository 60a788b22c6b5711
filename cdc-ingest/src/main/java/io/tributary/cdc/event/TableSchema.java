package io.tributary.cdc.event;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/** The columns of one captured table, in MySQL's order, as carried by its change events. */
public final class TableSchema {
    private final List<ColumnSchema> columns;
    // Computed once: every change event's key() reads it on the hot path.
    private final int[] keyIndexes;

    private static final int MAX_INTERNED = 10_000;
    private static final ConcurrentHashMap<List<ColumnSchema>, TableSchema> INTERNED = new ConcurrentHashMap<>();

    /**
     * One instance per distinct schema in this JVM: every event carries its table's schema, and the
     * sink compares it per row, which is then an identity check. Bounded: DDL churn only refills it.
     */
    public static TableSchema interned(List<ColumnSchema> columns) {
        TableSchema known = INTERNED.get(columns);
        if (known != null) {
            return known;
        }
        if (INTERNED.size() >= MAX_INTERNED) {
            INTERNED.clear();
        }
        TableSchema schema = new TableSchema(columns);
        TableSchema raced = INTERNED.putIfAbsent(schema.columns, schema);
        return raced == null ? schema : raced;
    }

    public TableSchema(List<ColumnSchema> columns) {
        this.columns = List.copyOf(columns);
        this.keyIndexes = IntStream.range(0, this.columns.size()).filter(i -> this.columns.get(i).key()).toArray();
    }

    public List<ColumnSchema> columns() {
        return columns;
    }

    /**
     * False for a MySQL table without a primary key: its rows have no identity, so ClickHouse keeps
     * it as a multiset (a signed changelog) instead of versions per key.
     */
    public boolean hasPrimaryKey() {
        return keyIndexes.length > 0;
    }

    /** The same columns with no primary key: the shape of the table's multiset while it has none. */
    public TableSchema withoutKey() {
        return new TableSchema(columns.stream().map(c -> new ColumnSchema(c.name(), c.sourceType(), c.length(),
                c.scale(), c.nullable(), false, c.defaultValue())).toList());
    }

    /** Positions of the primary-key columns; shared, not copied: callers in this package only read it. */
    int[] keyIndexes() {
        return keyIndexes;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof TableSchema t && columns.equals(t.columns);
    }

    @Override
    public int hashCode() {
        return columns.hashCode();
    }

    @Override
    public String toString() {
        return columns.toString();
    }
}
