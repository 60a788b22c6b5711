package io.tributary.cdc.source.snapshot;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * One chunk of a table: the rows whose primary key lies in {@code (lower, upper]}, a null bound
 * being open; a table read as one chunk has both bounds null. Bounds are kept twice: as
 * Tributary's canonical key text (to place binlog changes, {@link KeyOrder}) and as the JDBC values
 * MySQL returned for them (bound as statement parameters, so MySQL compares them in the column's
 * own type).
 */
public record TableChunk(String table, int index, String[] lowerKey, Object[] lowerParams, String[] upperKey,
                         Object[] upperParams) {

    public static TableChunk whole(String table) {
        return new TableChunk(table, 0, null, null, null, null);
    }

    public boolean isWhole() {
        return lowerKey == null && upperKey == null;
    }

    /** Whether the key {@code key} (canonical text, in key column order) is in this chunk. */
    public boolean contains(KeyOrder order, String[] key) {
        if (isWhole()) {
            return true;
        }
        return (lowerKey == null || order.compare(key, lowerKey) > 0)
                && (upperKey == null || order.compare(key, upperKey) <= 0);
    }

    /**
     * The WHERE clause of this chunk over {@code columns}, with {@code ?} for the bound values in the
     * order of {@link #parameters()}; "" for a whole table. A composite bound is spelled out
     * ({@code a > ? OR a = ? AND b > ?}) rather than as a row comparison, which MySQL 8.0 does not
     * turn into an index range.
     */
    public String where(java.util.List<String> columns, UnaryOperator<String> quote) {
        if (isWhole()) {
            return "";
        }
        StringBuilder sql = new StringBuilder(" WHERE ");
        if (lowerKey != null) {
            sql.append('(').append(compare(columns, quote, ">", ">")).append(')');
        }
        if (upperKey != null) {
            if (lowerKey != null) {
                sql.append(" AND ");
            }
            sql.append('(').append(compare(columns, quote, "<", "<=")).append(')');
        }
        return sql.toString();
    }

    private static String compare(java.util.List<String> columns, UnaryOperator<String> quote, String strict,
                                  String last) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sql.append(" OR ");
            }
            sql.append('(');
            for (int j = 0; j < i; j++) {
                sql.append(quote.apply(columns.get(j))).append(" = ? AND ");
            }
            sql.append(quote.apply(columns.get(i))).append(i == columns.size() - 1 ? " " + last + " ?" : " " + strict + " ?");
            sql.append(')');
        }
        return sql.toString();
    }

    /** The values for {@link #where}'s placeholders, in order. */
    public Object[] parameters() {
        java.util.List<Object> values = new java.util.ArrayList<>();
        for (Object[] bound : new Object[][] {lowerParams, upperParams}) {
            if (bound == null) {
                continue;
            }
            for (int i = 0; i < bound.length; i++) {
                for (int j = 0; j < i; j++) {
                    values.add(bound[j]);
                }
                values.add(bound[i]);
            }
        }
        return values.toArray();
    }

    @Override
    public String toString() {
        return table + " chunk " + index + (isWhole() ? " (whole table)"
                : " (" + (lowerKey == null ? "-inf" : Arrays.toString(lowerKey)) + ", "
                + (upperKey == null ? "+inf" : Arrays.toString(upperKey)) + "]");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableChunk c && c.table.equals(table) && c.index == index;
    }

    @Override
    public int hashCode() {
        return table.hashCode() * 31 + index;
    }
}
