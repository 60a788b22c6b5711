package io.tributary.cdc.source.reader;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * One slice of a table for the parallel snapshot: the rows whose single integer primary-key column
 * lies in {@code [from, to)}, where a null bound is open; a table without such a key is one slice.
 * The first slice has no lower bound and the last none above, so no row falls between bounds read
 * from the statistics-free MIN/MAX of the read view.
 */
record SnapshotChunk(String database, String table, String keyColumn, BigInteger from, BigInteger to, int index,
                     int count) {

    static SnapshotChunk whole(String database, String table) {
        return new SnapshotChunk(database, table, null, null, null, 0, 1);
    }

    /**
     * About {@code rowsPerChunk} rows per slice, assuming keys spread evenly between {@code min}
     * and {@code max}; never more slices than keys.
     */
    static List<SnapshotChunk> split(String database, String table, String keyColumn, BigInteger min, BigInteger max,
                                     long estimatedRows, long rowsPerChunk) {
        if (keyColumn == null || min == null || max == null || rowsPerChunk <= 0) {
            return List.of(whole(database, table));
        }
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        long wanted = Math.max(1, (Math.max(estimatedRows, 0) + rowsPerChunk - 1) / rowsPerChunk);
        int count = (int) Math.min(Math.min(wanted, 100_000), span.min(BigInteger.valueOf(Integer.MAX_VALUE)).longValue());
        if (count <= 1) {
            return List.of(whole(database, table));
        }
        BigInteger[] quotient = span.divideAndRemainder(BigInteger.valueOf(count));
        BigInteger width = quotient[1].signum() == 0 ? quotient[0] : quotient[0].add(BigInteger.ONE);
        List<SnapshotChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            BigInteger from = i == 0 ? null : min.add(width.multiply(BigInteger.valueOf(i)));
            BigInteger to = i == count - 1 ? null : min.add(width.multiply(BigInteger.valueOf(i + 1)));
            chunks.add(new SnapshotChunk(database, table, keyColumn, from, to, i, count));
        }
        return chunks;
    }

    /** The WHERE clause of this slice with identifiers quoted by {@code quote}, or "" for a whole table. */
    String where(java.util.function.UnaryOperator<String> quote) {
        if (from == null && to == null) {
            return "";
        }
        // The bounds are numbers computed here, never user input: literals keep MySQL's comparison integral.
        String key = quote.apply(keyColumn);
        if (from == null) {
            return " WHERE " + key + " < " + to;
        }
        if (to == null) {
            return " WHERE " + key + " >= " + from;
        }
        return " WHERE " + key + " >= " + from + " AND " + key + " < " + to;
    }

    String qualifiedTable() {
        return database + "." + table;
    }
}
