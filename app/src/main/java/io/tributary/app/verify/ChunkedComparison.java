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
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A table compared by chunk checksums ({@link RowDigest}, the ones continuous verification uses):
 * both servers checksum each range of {@link #CHUNK_ROWS} keys themselves, so only two numbers per
 * chunk travel; only a chunk whose checksums differ is compared row by row ({@link RowMerge}), which
 * names the keys and columns that differ. Tables keyed by numbers, dates and date-times are cut into
 * ranges ({@link DigestColumn#isRangeKey}); others (character keys: ClickHouse orders bytes, MySQL its
 * collation) are one chunk, compared as a stream of rows when it differs, so memory stays bounded. Used
 * only when every column's value is checksummed ({@link DigestColumn#valueChecksummed}): the others
 * compare every row.
 *
 * <p>Chunks are checksummed {@link ChecksumWorkers#size} at a time, each by both servers at once, while
 * this thread finds the next chunk's bound; results are taken in key order, so at most that many chunks
 * are in flight.
 */
final class ChunkedComparison {
    /** Keys per chunk: one checksum query of each server reads this many rows (about 0.1 s in MySQL). */
    static final int CHUNK_ROWS = 100_000;
    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);

    private final Connection mysql;
    private final ClickHouseHttp clickhouse;
    private final ChecksumWorkers workers;

    /** {@code mysql}: finds the chunks' bounds and compares the rows of a chunk that differs. */
    ChunkedComparison(Connection mysql, ClickHouseHttp clickhouse, ChecksumWorkers workers) {
        this.mysql = mysql;
        this.clickhouse = clickhouse;
        this.workers = workers;
    }

    /** Whether {@code columns} can be compared by checksums: every value is, not only whether it is NULL. */
    static boolean applies(List<VerifiedColumn> columns) {
        return columns.stream().allMatch(c -> digestColumn(c).valueChecksummed());
    }

    private static DigestColumn digestColumn(VerifiedColumn c) {
        return new DigestColumn(c.name(), c.dataType(), c.columnType());
    }

    /** One chunk being checksummed by both servers. */
    private record Chunk(SnapshotScope scope, String mysqlWhere, CompletableFuture<RowDigest.Checksum> mysql,
                         CompletableFuture<RowDigest.Checksum> clickhouse) {}

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
        Totals totals = new Totals(table, columns, mysqlTable, view, ranges);
        Deque<Chunk> inFlight = new ArrayDeque<>();
        try {
            List<String> lower = null;
            do {
                List<String> upper = ranges ? KeyRanges.upperBound(mysql, mysqlTable, keyNames, lower, CHUNK_ROWS) : null;
                if (upper != null && !upper.stream().allMatch(KeyLiteral::isBound)) {
                    // A key ClickHouse stores clamped (a DATETIME of year 2300): the rest of the table is one range,
                    // compared row by row as a stream when it differs.
                    upper = null;
                }
                SnapshotScope scope = ranges
                        ? SnapshotScope.ranges(keyNames, List.of(new SnapshotScope.KeyRange(lower, upper)), 0)
                        : SnapshotScope.whole();
                String mysqlWhere = ranges ? " WHERE " + KeyRanges.where(keyNames, lower, upper) : "";
                String mysqlQuery = digest.mysqlQuery(mysqlTable, mysqlWhere);
                String clickhouseQuery = digest.clickhouseQuery(view, scope.condition(TableNames::quote));
                inFlight.add(new Chunk(scope, mysqlWhere, workers.mysql(c -> mysqlChecksum(c, mysqlQuery)),
                        workers.clickhouse(() -> RowDigest.Checksum.parse(
                                clickhouse.query(clickhouseQuery, Map.of("readonly", "1"))))));
                while (inFlight.size() >= workers.size() + 1) {
                    totals.add(inFlight.poll());
                }
                lower = upper;
            } while (lower != null);
            while (!inFlight.isEmpty()) {
                totals.add(inFlight.poll());
            }
        } finally {
            inFlight.forEach(c -> {
                c.mysql.cancel(true);
                c.clickhouse.cancel(true);
            });
        }
        return totals.verdict();
    }

    /** The chunks' checksums added up in key order, and the rows of those that differ. */
    private final class Totals {
        private final String table;
        private final List<VerifiedColumn> columns;
        private final String mysqlTable;
        private final String view;
        private final boolean ranges;
        private long mysqlRows;
        private long clickhouseRows;
        private BigInteger mysqlSum = BigInteger.ZERO;
        private BigInteger clickhouseSum = BigInteger.ZERO;
        private long differenceCount;
        private int chunks;
        private final List<String> shown = new ArrayList<>();

        Totals(String table, List<VerifiedColumn> columns, String mysqlTable, String view, boolean ranges) {
            this.table = table;
            this.columns = columns;
            this.mysqlTable = mysqlTable;
            this.view = view;
            this.ranges = ranges;
        }

        void add(Chunk chunk) throws Exception {
            RowDigest.Checksum m = joined(chunk.mysql);
            RowDigest.Checksum c = joined(chunk.clickhouse);
            mysqlRows += m.rows();
            clickhouseRows += c.rows();
            mysqlSum = mysqlSum.add(new BigInteger(m.sum())).mod(MOD);
            clickhouseSum = clickhouseSum.add(new BigInteger(c.sum())).mod(MOD);
            chunks++;
            if (m.equals(c)) {
                return;
            }
            SnapshotScope scope = chunk.scope;
            TableVerdict rows = RowMerge.compareSorted(table, columns, mysql, mysqlTable + chunk.mysqlWhere, clickhouse,
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

        TableVerdict verdict() {
            return new TableVerdict(table, mysqlRows, clickhouseRows, mysqlSum.toString(16), clickhouseSum.toString(16),
                    differenceCount, shown, "checksums of " + chunks + " chunk(s)");
        }
    }

    private static RowDigest.Checksum joined(CompletableFuture<RowDigest.Checksum> checksum) throws Exception {
        try {
            return checksum.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static RowDigest.Checksum mysqlChecksum(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new RowDigest.Checksum(rs.getLong(1), rs.getString(2));
        }
    }
}
