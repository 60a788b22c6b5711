package io.tributary.app.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Compares two row streams sorted the same way by merging them, holding only the rows of one sort
 * key at a time: a table with a primary key is sorted by it (one row per key), one without by every
 * column that can be sorted, and rows with the same sort key are matched as multisets (two identical
 * rows must be two rows on each side). A side that is not in the promised order stops the comparison
 * with a message rather than giving a wrong verdict.
 */
final class RowMerge {
    static final int SHOWN_DIFFERENCES = 5;

    private final List<VerifiedColumn> columns;
    private final int[] order;
    private final boolean keyed;

    /** {@code order}: the indexes in {@code columns} the streams are sorted by (the primary key, if {@code keyed}). */
    RowMerge(List<VerifiedColumn> columns, int[] order, boolean keyed) {
        this.columns = columns;
        this.order = order;
        this.keyed = keyed;
    }

    /**
     * {@code mysqlFrom}'s rows against {@code clickhouseFrom}'s (a table, view or subquery on each server), both
     * sorted by the primary key, or without one by every column that can be sorted, and merged.
     */
    static TableVerdict compareSorted(String table, List<VerifiedColumn> columns, java.sql.Connection mysql, String mysqlFrom,
                                      io.tributary.sink.clickhouse.client.ClickHouseHttp clickhouse, String clickhouseFrom)
            throws Exception {
        List<Integer> key = new ArrayList<>();
        for (int position = 1; ; position++) {
            int found = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).keyPosition() == position) {
                    found = i;
                }
            }
            if (found < 0) {
                break;
            }
            key.add(found);
        }
        boolean keyed = !key.isEmpty();
        List<Integer> order = keyed ? key : new ArrayList<>();
        if (!keyed) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).orderable()) {
                    order.add(i);
                }
            }
        }
        List<VerifiedColumn> orderColumns = order.stream().map(columns::get).toList();
        RowMerge merge = new RowMerge(columns, order.stream().mapToInt(Integer::intValue).toArray(), keyed);
        try (OrderedRows m = OrderedRows.mysql(mysql, columns, orderColumns, mysqlFrom)) {
            OrderedRows c;
            try {
                c = OrderedRows.clickhouse(clickhouse, columns, orderColumns, clickhouseFrom);
            } catch (RuntimeException e) {
                return TableVerdict.unreadable(table, -1, List.of("ClickHouse: " + e.getMessage()));
            }
            try (c) {
                return merge.compare(table, m, c);
            }
        }
    }

    TableVerdict compare(String table, OrderedRows mysql, OrderedRows clickhouse) throws Exception {
        Side m = new Side("MySQL", mysql);
        Side c = new Side("ClickHouse", clickhouse);
        Differences differences = new Differences();
        List<String[]> mg = m.group();
        List<String[]> cg = c.group();
        while ((mg != null || cg != null) && m.unordered == null && c.unordered == null) {
            int cmp = mg == null ? 1 : cg == null ? -1 : compareKeys(mg.get(0), cg.get(0));
            if (cmp < 0) {
                for (String[] row : mg) {
                    differences.add(describeKey(row) + ": missing in ClickHouse" + (keyed ? "" : " (" + render(row) + ")"));
                }
                mg = m.group();
            } else if (cmp > 0) {
                for (String[] row : cg) {
                    differences.add(describeKey(row) + ": only in ClickHouse" + (keyed ? "" : " (" + render(row) + ")"));
                }
                cg = c.group();
            } else {
                match(mg, cg, differences);
                mg = m.group();
                cg = c.group();
            }
        }
        if (m.unordered != null || c.unordered != null) {
            throw new IllegalStateException("cannot compare " + table + ": " + (m.unordered != null ? m.unordered : c.unordered)
                    + " (a limit of verify for this key's type, not a difference found)");
        }
        return new TableVerdict(table, m.rows, c.rows, m.checksum(), c.checksum(), differences.count, differences.shown);
    }

    /** Rows with one sort key: a keyed table's row on each side, or a keyless table's copies of equal rows. */
    private void match(List<String[]> mysql, List<String[]> clickhouse, Differences differences) {
        if (keyed && (mysql.size() > 1 || clickhouse.size() > 1)) {
            differences.add(describeKey(mysql.get(0)) + ": " + mysql.size() + " row(s) in MySQL, " + clickhouse.size()
                    + " in ClickHouse");
            return;
        }
        List<String[]> unmatched = new ArrayList<>(clickhouse);
        List<String[]> missing = new ArrayList<>();
        for (String[] row : mysql) {
            Iterator<String[]> it = unmatched.iterator();
            boolean found = false;
            while (it.hasNext()) {
                if (sameRow(row, it.next())) {
                    it.remove();
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(row);
            }
        }
        if (keyed && missing.size() == 1 && unmatched.size() == 1) {
            differences.add(describeKey(missing.get(0)) + ": " + changedColumns(missing.get(0), unmatched.get(0)));
            return;
        }
        for (String[] row : missing) {
            differences.add((keyed ? describeKey(row) + ": " : "") + "MySQL has " + render(row) + " once more than ClickHouse");
        }
        for (String[] row : unmatched) {
            differences.add((keyed ? describeKey(row) + ": " : "") + "ClickHouse has " + render(row) + " once more than MySQL");
        }
    }

    private boolean sameRow(String[] mysql, String[] clickhouse) {
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.get(i).sameValue(mysql[i], clickhouse[i])) {
                return false;
            }
        }
        return true;
    }

    private String changedColumns(String[] mysql, String[] clickhouse) {
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.get(i).sameValue(mysql[i], clickhouse[i])) {
                changed.add(columns.get(i).name() + ": MySQL " + quote(mysql[i]) + " vs ClickHouse " + quote(clickhouse[i]));
            }
        }
        return String.join("; ", changed);
    }

    private int compareKeys(String[] a, String[] b) {
        for (int i : order) {
            int c = columns.get(i).compareOrder(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private String describeKey(String[] row) {
        if (!keyed) {
            return "row";
        }
        StringBuilder sb = new StringBuilder("key (");
        for (int j = 0; j < order.length; j++) {
            sb.append(j > 0 ? ", " : "").append(columns.get(order[j]).name()).append('=').append(quote(row[order[j]]));
        }
        return sb.append(')').toString();
    }

    private String render(String[] row) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < row.length; i++) {
            sb.append(i > 0 ? ", " : "").append(quote(row[i]));
        }
        return sb.append(']').toString();
    }

    /** NULL bare, text quoted with its quotes, backslashes and control characters escaped: no two values look alike. */
    static String quote(String value) {
        if (value == null) {
            return "NULL";
        }
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\'' -> sb.append("\\'");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\x%02x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }

    private static final class Differences {
        long count;
        final List<String> shown = new ArrayList<>();

        void add(String difference) {
            count++;
            if (shown.size() < SHOWN_DIFFERENCES) {
                shown.add(difference);
            }
        }
    }

    /** One side's stream, read a sort key's rows at a time, with its row count, checksum and order check. */
    private final class Side {
        final String name;
        final OrderedRows rows0;
        final MessageDigest sha;
        String[] pending;
        String[] lastKeyRow;
        boolean started;
        long rows;
        String unordered;

        Side(String name, OrderedRows rows) throws Exception {
            this.name = name;
            this.rows0 = rows;
            this.sha = MessageDigest.getInstance("SHA-256");
        }

        List<String[]> group() throws Exception {
            if (!started) {
                pending = rows0.next();
                started = true;
            }
            if (pending == null || unordered != null) {
                return null;
            }
            List<String[]> group = new ArrayList<>();
            group.add(pending);
            while (true) {
                pending = rows0.next();
                if (pending == null || compareKeys(pending, group.get(0)) != 0) {
                    break;
                }
                group.add(pending);
            }
            if (lastKeyRow != null && compareKeys(lastKeyRow, group.get(0)) >= 0) {
                unordered = name + " returned " + describeKey(group.get(0)) + " after " + describeKey(lastKeyRow);
                return null;
            }
            lastKeyRow = group.get(0);
            rows += group.size();
            List<String> encoded = new ArrayList<>(group.size());
            for (String[] row : group) {
                encoded.add(encode(row));
            }
            encoded.sort(null); // copies of equal keyless rows may come in any order
            for (String e : encoded) {
                sha.update(e.getBytes(StandardCharsets.UTF_8));
            }
            return group;
        }

        /** Length-prefixed values as compared (floats and JSON normalized), so no two rows encode alike. */
        private String encode(String[] row) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String v = columns.get(i).normalized(row[i]);
                sb.append(v == null ? "N" : v.length() + ":" + v).append(';');
            }
            return sb.append('\n').toString();
        }

        String checksum() {
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        }
    }
}
