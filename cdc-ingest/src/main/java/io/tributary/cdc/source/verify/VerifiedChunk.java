package io.tributary.cdc.source.verify;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.KeyLiteral;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.source.snapshot.GtidSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The key range a check compares while it runs, and the keys inside it the binlog changed in
 * transactions the check's read view may not hold (their GTID is not in the low watermark): those keys
 * are left out of both checksums, because MySQL's and ClickHouse's rows of them may describe different
 * moments. More than {@link #MAX_CHANGED_KEYS} such keys, a table-wide statement, or any change in a
 * check of a whole table makes the check inconclusive. Written by the reader's thread, read by the
 * verifier's.
 *
 * @param keyColumns the primary key (of {@link KeyLiteral} values), or empty for a check of the whole table
 * @param range {@code (lower, upper]} over {@code keyColumns}; null for the whole table
 */
final class VerifiedChunk {
    final String table;
    final List<String> keyColumns;
    final SnapshotScope.KeyRange range;
    static final int MAX_CHANGED_KEYS = 1000;
    private volatile GtidSet low;
    private volatile boolean changed;
    private final java.util.Set<List<String>> changedKeys = new java.util.LinkedHashSet<>();

    VerifiedChunk(String table, List<String> keyColumns, SnapshotScope.KeyRange range) {
        this.table = table;
        this.keyColumns = List.copyOf(keyColumns);
        this.range = range;
    }

    SnapshotScope scope() {
        return range == null ? SnapshotScope.whole() : SnapshotScope.ranges(keyColumns, List.of(range), 0);
    }

    void lowWatermark(GtidSet gtids) {
        low = gtids;
    }

    /** Whether the check cannot conclude: too many keys changed, or changes that cannot be placed. */
    boolean changed() {
        return changed;
    }

    /** The keys changed so far (a copy), each in key order. */
    synchronized java.util.Set<List<String>> changedKeys() {
        return new java.util.LinkedHashSet<>(changedKeys);
    }

    private synchronized void keyChanged(String[] key) {
        for (String v : key) {
            if (!KeyLiteral.isBound(v)) {
                changed = true;
                return;
            }
        }
        changedKeys.add(List.of(key));
        if (changedKeys.size() > MAX_CHANGED_KEYS) {
            changed = true;
        }
    }

    /** The range without {@code excluded} keys, as a MySQL condition (a tuple {@code NOT IN} of typed literals). */
    String mysqlWithoutKeys(java.util.Set<List<String>> excluded) {
        return withoutKeys(excluded, DigestColumn::mysqlQuoted, KeyLiteral::mysql);
    }

    /** The range without {@code excluded} keys, as a ClickHouse condition. */
    String clickhouseWithoutKeys(java.util.Set<List<String>> excluded) {
        return withoutKeys(excluded, DigestColumn::clickhouseQuoted, KeyLiteral::clickhouse);
    }

    private String withoutKeys(java.util.Set<List<String>> excluded, UnaryOperator<String> quote,
                               UnaryOperator<String> literal) {
        if (excluded.isEmpty()) {
            return "1";
        }
        String key = keyColumns.size() == 1 ? quote.apply(keyColumns.get(0))
                : "(" + String.join(", ", keyColumns.stream().map(quote).toList()) + ")";
        StringBuilder sql = new StringBuilder(key).append(" NOT IN (");
        boolean first = true;
        for (List<String> k : excluded) {
            List<String> values = k.stream().map(literal).toList();
            sql.append(first ? "" : ", ").append(values.size() == 1 ? values.get(0) : "(" + String.join(", ", values) + ")");
            first = false;
        }
        return sql.append(')').toString();
    }

    void markChanged() {
        changed = true;
    }

    /** A change the reader hands on; {@code gtid} is its transaction's, or null. */
    void sees(ChangeEvent e, String gtid) {
        if (changed || !e.qualifiedTable().equals(table)) {
            return;
        }
        if (!e.op().isBinlogRowChange()) {
            changed = true; // a table-wide statement, or a snapshot's row or begin: the whole range may change
            return;
        }
        GtidSet view = low;
        boolean maybeAfterView = view == null || gtid == null || !view.contains(gtid);
        if (!maybeAfterView) {
            return;
        }
        for (String[] key : e.hasBefore() ? java.util.Arrays.asList(keyOf(e, false), keyOf(e, true))
                : java.util.Collections.singletonList(keyOf(e, false))) {
            if (range == null || key == null) {
                changed = true; // a whole table's check, or a key that cannot be placed
            } else if (covers(key)) {
                keyChanged(key);
            }
        }
    }

    /** The event's key values in this range's key order (the schema lists columns in table order), or null. */
    private String[] keyOf(ChangeEvent e, boolean before) {
        if (range == null) {
            return null;
        }
        List<io.tributary.cdc.event.ColumnSchema> columns = e.schema().columns();
        String[] key = new String[keyColumns.size()];
        for (int k = 0; k < key.length; k++) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equalsIgnoreCase(keyColumns.get(k))) {
                    key[k] = before ? e.beforeValue(i) : e.value(i);
                }
            }
            if (key[k] == null) {
                return null; // not found (a DDL renamed it) or NULL: counted as inside
            }
        }
        return key;
    }

    /** Whether {@code key} (canonical text, in key order) lies in the range. */
    boolean covers(String[] key) {
        if (range == null) {
            return true;
        }
        if (key == null || key.length != keyColumns.size()) {
            return true; // not comparable: count it as inside
        }
        try {
            return (range.lower() == null || compare(key, range.lower()) > 0)
                    && (range.upper() == null || compare(key, range.upper()) <= 0);
        } catch (IllegalArgumentException | NullPointerException e) {
            return true;
        }
    }

    private static int compare(String[] key, List<String> bound) {
        for (int i = 0; i < key.length; i++) {
            int c = KeyLiteral.compare(key[i], bound.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The range as an operator reads it: {@code db.t keys (id) in (1000, 2000]}. */
    String describe() {
        return table + (range == null ? " (whole table)" : " keys " + scope());
    }
}
