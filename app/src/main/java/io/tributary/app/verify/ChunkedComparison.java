package io.tributary.app.verify;

import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.source.verify.DigestColumn;
import io.tributary.cdc.source.verify.RowDigest;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.TableNames;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table compared by chunk checksums ({@link RowDigest}, the ones continuous verification uses):
 * both servers checksum each range of {@link #CHUNK_ROWS} keys themselves, so only two numbers per
 * chunk travel; only a chunk whose checksums differ is compared row by row ({@link RowMerge}), which
 * names the keys and columns that differ. Tables keyed by integers are cut into ranges; others are
 * one chunk. Used only when every column's value is checksummed ({@link DigestColumn#valueChecksummed}):
 * the others compare every row.
 */
final class ChunkedComparison {
    /** Keys per chunk: one checksum query of each server reads this many rows (about 0.1 s in MySQL). */
    static final int CHUNK_ROWS = 100_000;
    private static final Set<String> INTEGERS = Set.of("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT");
    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);

    private final Connection mysql;
    private final ClickHouseHttp clickhouse;

    ChunkedComparison(Connection mysql, ClickHouseHttp clickhouse) {
        this.mysql = mysql;
        this.clickhouse = clickhouse;
    }

    /** Whether {@code columns} can be compared by checksums: every value is, not only whether it is NULL. */
    static boolean applies(List<VerifiedColumn> columns) {
        return columns.stream().allMatch(c -> digestColumn(c).valueChecksummed());
    }

    private static DigestColumn digestColumn(VerifiedColumn c) {
        return new DigestColumn(c.name(), c.dataType(), c.columnType());
    }

    TableVerdict compare(String table, List<VerifiedColumn> columns, String mysqlTable, String view) throws Exception {
        RowDigest digest = new RowDigest(columns.stream().map(ChunkedComparison::digestColumn).toList());
        List<VerifiedColumn> key = new ArrayList<>();
        for (int position = 1; ; position++) {
            final int p = position;
            VerifiedColumn k = columns.stream().filter(c -> c.keyPosition() == p).findFirst().orElse(null);
            if (k == null) {
                break;
            }
            key.add(k);
        }
        boolean ranges = !key.isEmpty() && key.stream().allMatch(k -> INTEGERS.contains(k.dataType()));
        List<String> keyNames = key.stream().map(VerifiedColumn::name).toList();
        long mysqlRows = 0;
        long clickhouseRows = 0;
        BigInteger mysqlSum = BigInteger.ZERO;
        BigInteger clickhouseSum = BigInteger.ZERO;
        long differenceCount = 0;
        int chunks = 0;
        List<String> shown = new ArrayList<>();
        List<String> lower = null;
        do {
            List<String> upper = ranges ? upperBound(mysqlTable, keyNames, lower) : null;
            SnapshotScope scope = ranges ? SnapshotScope.ranges(keyNames, List.of(new SnapshotScope.KeyRange(lower, upper)), 0)
                    : SnapshotScope.whole();
            String mysqlWhere = ranges ? " WHERE " + expanded(keyNames, lower, upper) : "";
            RowDigest.Checksum m = mysqlChecksum(digest.mysqlQuery(mysqlTable, mysqlWhere));
            RowDigest.Checksum c = RowDigest.Checksum.parse(clickhouse.query(digest.clickhouseQuery(view,
                    scope.condition(TableNames::quote)), Map.of("readonly", "1")));
            mysqlRows += m.rows();
            clickhouseRows += c.rows();
            mysqlSum = mysqlSum.add(new BigInteger(m.sum())).mod(MOD);
            clickhouseSum = clickhouseSum.add(new BigInteger(c.sum())).mod(MOD);
            if (!m.equals(c)) {
                TableVerdict rows = rowsOf(table, columns, mysqlTable + mysqlWhere, "(SELECT * FROM " + view + " WHERE "
                        + scope.condition(TableNames::quote) + ")");
                long found = rows.differenceCount();
                if (found == 0) {
                    found = 1;
                    rows = new TableVerdict(table, 0, 0, "", "", 1, List.of((ranges ? "keys " + scope : "the table")
                            + ": checksums differ (MySQL " + m + ", ClickHouse " + c + ") but the rows compare equal: "
                            + "changed while verify read them, or a value the two servers write differently"));
                }
                differenceCount += found;
                for (String d : rows.differences()) {
                    if (shown.size() < RowMerge.SHOWN_DIFFERENCES) {
                        shown.add(d);
                    }
                }
            }
            chunks++;
            lower = upper;
        } while (lower != null);
        return new TableVerdict(table, mysqlRows, clickhouseRows, mysqlSum.toString(16), clickhouseSum.toString(16),
                differenceCount, shown, "checksums of " + chunks + " chunk(s)");
    }

    /** The chunk's rows on both sides, merged in key order (what {@link TableVerifier} does for a whole table). */
    private TableVerdict rowsOf(String table, List<VerifiedColumn> columns, String mysqlFrom, String clickhouseFrom)
            throws Exception {
        List<Integer> order = new ArrayList<>();
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
            order.add(found);
        }
        boolean keyed = !order.isEmpty();
        if (!keyed) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).orderable()) {
                    order.add(i);
                }
            }
        }
        List<VerifiedColumn> orderColumns = order.stream().map(columns::get).toList();
        RowMerge merge = new RowMerge(columns, order.stream().mapToInt(Integer::intValue).toArray(), keyed);
        try (OrderedRows m = OrderedRows.mysql(mysql, columns, orderColumns, mysqlFrom);
             OrderedRows c = OrderedRows.clickhouse(clickhouse, columns, orderColumns, clickhouseFrom)) {
            return merge.compare(table, m, c);
        }
    }

    private RowDigest.Checksum mysqlChecksum(String sql) throws SQLException {
        try (Statement st = mysql.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new RowDigest.Checksum(rs.getLong(1), rs.getString(2));
        }
    }

    /** The key {@link #CHUNK_ROWS} keys after {@code lower}, or null when fewer are left. */
    private List<String> upperBound(String mysqlTable, List<String> key, List<String> lower) throws SQLException {
        String cols = String.join(", ", key.stream().map(ChunkedComparison::quoted).toList());
        String sql = "SELECT " + String.join(", ", key.stream().map(k -> "CAST(" + quoted(k) + " AS CHAR)").toList())
                + " FROM " + mysqlTable + (lower == null ? "" : " WHERE " + expanded(key, lower, null)) + " ORDER BY "
                + cols + " LIMIT 1 OFFSET " + (CHUNK_ROWS - 1);
        try (Statement st = mysql.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                return null;
            }
            List<String> bound = new ArrayList<>();
            for (int i = 1; i <= key.size(); i++) {
                bound.add(rs.getString(i));
            }
            return bound;
        }
    }

    /**
     * {@code lower < key <= upper} in tuple order, spelled out ({@code a > 1 OR a = 1 AND b > 2}) so that MySQL
     * reads an index range (a row comparison it does not turn into one). Bounds are integers MySQL returned,
     * checked again here, so writing them as literals cannot change the statement.
     */
    static String expanded(List<String> key, List<String> lower, List<String> upper) {
        List<String> parts = new ArrayList<>();
        if (lower != null) {
            parts.add("(" + compare(key, lower, ">", ">") + ")");
        }
        if (upper != null) {
            parts.add("(" + compare(key, upper, "<", "<=") + ")");
        }
        return parts.isEmpty() ? "1" : String.join(" AND ", parts);
    }

    private static String compare(List<String> key, List<String> bound, String strict, String last) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? " OR " : "").append('(');
            for (int j = 0; j < i; j++) {
                sql.append(quoted(key.get(j))).append(" = ").append(integer(bound.get(j))).append(" AND ");
            }
            sql.append(quoted(key.get(i))).append(' ').append(i == key.size() - 1 ? last : strict).append(' ')
                    .append(integer(bound.get(i))).append(')');
        }
        return sql.toString();
    }

    private static String integer(String value) {
        return new BigInteger(value).toString(); // throws on anything but an integer
    }

    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
