package io.tributary.app.verify;

import io.tributary.cdc.event.KeyLiteral;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.source.verify.DigestColumn;
import io.tributary.cdc.source.verify.KeyRanges;
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

/**
 * A table compared by chunk checksums ({@link RowDigest}, the ones continuous verification uses):
 * both servers checksum each range of {@link #CHUNK_ROWS} keys themselves, so only two numbers per
 * chunk travel; only a chunk whose checksums differ is compared row by row ({@link RowMerge}), which
 * names the keys and columns that differ. Tables keyed by numbers, dates and date-times are cut into
 * ranges ({@link DigestColumn#isRangeKey}); others (character keys: ClickHouse orders bytes, MySQL its
 * collation) are one chunk, compared as a stream of rows when it differs, so memory stays bounded. Used only when every column's value is checksummed ({@link DigestColumn#valueChecksummed}):
 * the others compare every row.
 */
final class ChunkedComparison {
    /** Keys per chunk: one checksum query of each server reads this many rows (about 0.1 s in MySQL). */
    static final int CHUNK_ROWS = 100_000;
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
        boolean ranges = !key.isEmpty() && key.stream().allMatch(k -> digestColumn(k).isRangeKey());
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
            List<String> upper = ranges ? KeyRanges.upperBound(mysql, mysqlTable, keyNames, lower, CHUNK_ROWS) : null;
            if (upper != null && !upper.stream().allMatch(KeyLiteral::isBound)) {
                // A key ClickHouse stores clamped (a DATETIME of year 2300): the rest of the table is one range,
                // compared row by row as a stream when it differs.
                upper = null;
            }
            SnapshotScope scope = ranges ? SnapshotScope.ranges(keyNames, List.of(new SnapshotScope.KeyRange(lower, upper)), 0)
                    : SnapshotScope.whole();
            String mysqlWhere = ranges ? " WHERE " + KeyRanges.where(keyNames, lower, upper) : "";
            RowDigest.Checksum m = mysqlChecksum(digest.mysqlQuery(mysqlTable, mysqlWhere));
            RowDigest.Checksum c = RowDigest.Checksum.parse(clickhouse.query(digest.clickhouseQuery(view,
                    scope.condition(TableNames::quote)), Map.of("readonly", "1")));
            mysqlRows += m.rows();
            clickhouseRows += c.rows();
            mysqlSum = mysqlSum.add(new BigInteger(m.sum())).mod(MOD);
            clickhouseSum = clickhouseSum.add(new BigInteger(c.sum())).mod(MOD);
            if (!m.equals(c)) {
                TableVerdict rows = RowMerge.compareSorted(table, columns, mysql, mysqlTable + mysqlWhere, clickhouse,
                        "(SELECT * FROM " + view + " WHERE " + scope.condition(TableNames::quote) + ")");
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

    private RowDigest.Checksum mysqlChecksum(String sql) throws SQLException {
        try (Statement st = mysql.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new RowDigest.Checksum(rs.getLong(1), rs.getString(2));
        }
    }
}
