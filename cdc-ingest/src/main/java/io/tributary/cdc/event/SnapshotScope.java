package io.tributary.cdc.event;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What a snapshot of one table reads: the whole table, or only primary-key ranges {@code (lower, upper]}
 * of a key whose values read alike in MySQL and ClickHouse ({@link KeyLiteral}: integers, decimals, dates
 * and date-times; a snapshot resumed after a restart reads again only the chunks it had not completed, the
 * rows of the others are stored and stay; a repair reads one range). The sinks remove what an earlier
 * attempt stored inside the scope, and only there ({@link ChangeEvent#snapshotBegin}).
 *
 * <p>{@code chunksDone}: of a resumed snapshot, the chunks an earlier run completed outside the ranges (what
 * {@code /status} reports as skipped); 0 for the whole table.
 *
 * <p>Bounds are canonical key text; a null bound is open. Only {@link KeyLiteral} bounds, because ClickHouse
 * must select the same rows as MySQL's range: for numbers and times both orders agree, for text under a
 * collation they do not.
 */
public record SnapshotScope(List<String> keyColumns, List<KeyRange> ranges, int chunksDone) {
    private static final SnapshotScope WHOLE = new SnapshotScope(List.of(), List.of(), 0);

    /** The keys {@code k} with {@code lower < k <= upper} (tuple order over the key columns). */
    public record KeyRange(List<String> lower, List<String> upper) {
        public KeyRange {
            lower = lower == null ? null : List.copyOf(lower);
            upper = upper == null ? null : List.copyOf(upper);
        }
    }

    public SnapshotScope {
        keyColumns = List.copyOf(keyColumns);
        ranges = List.copyOf(ranges);
        if (keyColumns.isEmpty() != ranges.isEmpty()) {
            throw new IllegalArgumentException("a scope of key ranges needs its key columns and at least one range");
        }
        if (chunksDone < 0 || ranges.isEmpty() && chunksDone != 0) {
            throw new IllegalArgumentException("chunks done outside a scope: " + chunksDone);
        }
        for (KeyRange r : ranges) {
            for (List<String> bound : java.util.Arrays.asList(r.lower(), r.upper())) {
                if (bound == null) {
                    continue;
                }
                if (bound.size() != keyColumns.size()) {
                    throw new IllegalArgumentException("a bound of " + bound.size() + " values for the key "
                            + keyColumns);
                }
                bound.forEach(KeyLiteral::check);
            }
        }
    }

    public static SnapshotScope whole() {
        return WHOLE;
    }

    public static SnapshotScope ranges(List<String> keyColumns, List<KeyRange> ranges, int chunksDone) {
        Objects.requireNonNull(keyColumns, "keyColumns");
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a scope of key ranges needs at least one range");
        }
        return new SnapshotScope(keyColumns, ranges, chunksDone);
    }

    public boolean isWhole() {
        return ranges.isEmpty();
    }

    /**
     * The scope as a ClickHouse condition over the key columns ({@code quote} quotes an identifier),
     * or {@code "1"} for the whole table. Bounds were checked when the scope was built, so they are written
     * as typed literals ({@link KeyLiteral#clickhouse}), which cannot change the statement's meaning.
     */
    public String condition(UnaryOperator<String> quote) {
        if (isWhole()) {
            return "1";
        }
        String key = keyColumns.size() == 1 ? quote.apply(keyColumns.get(0))
                : "(" + String.join(", ", keyColumns.stream().map(quote).toList()) + ")";
        StringBuilder sql = new StringBuilder();
        for (KeyRange r : ranges) {
            if (!sql.isEmpty()) {
                sql.append(" OR ");
            }
            sql.append('(');
            if (r.lower() != null) {
                sql.append(key).append(" > ").append(literal(r.lower()));
            }
            if (r.upper() != null) {
                sql.append(r.lower() != null ? " AND " : "").append(key).append(" <= ").append(literal(r.upper()));
            }
            if (r.lower() == null && r.upper() == null) {
                sql.append('1');
            }
            sql.append(')');
        }
        return sql.toString();
    }

    private static String literal(List<String> bound) {
        List<String> literals = bound.stream().map(KeyLiteral::clickhouse).toList();
        return literals.size() == 1 ? literals.get(0) : "(" + String.join(", ", literals) + ")";
    }

    @Override
    public String toString() {
        if (isWhole()) {
            return "whole table";
        }
        StringBuilder s = new StringBuilder(keyColumns.toString()).append(" in ");
        for (KeyRange r : ranges) {
            s.append('(').append(r.lower() == null ? "-inf" : String.join(",", r.lower())).append(", ")
                    .append(r.upper() == null ? "+inf" : String.join(",", r.upper())).append(']');
        }
        if (chunksDone > 0) {
            s.append(", ").append(chunksDone).append(" chunk(s) done before");
        }
        return s.toString();
    }
}
