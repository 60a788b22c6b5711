package io.tributary.cdc.source.verify;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.KeyLiteral;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlRowEstimates;
import io.tributary.cdc.source.MySqlServerVersion;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.snapshot.GtidSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous verification: in the background, at {@code source.mysql.verify.rows-per-second}, each
 * captured table's rows are compared chunk by chunk, MySQL's checksum ({@link RowDigest}) against
 * ClickHouse's, at one consistent point per chunk:
 *
 * <ol>
 *   <li>the chunk is registered with the reader, which from then on marks it changed when the binlog
 *       hands on a change of a key inside it that the read view may not hold ({@link VerifiedChunk});</li>
 *   <li>the low watermark ({@code gtid_executed}), MySQL's checksum in a read view, then the binlog's end H;</li>
 *   <li>once the reader passed H and a checkpoint taken after that completed, everything up to H is in
 *       ClickHouse (the sinks flush before they acknowledge a checkpoint): ClickHouse's checksum;</li>
 *   <li>if the chunk was not marked changed meanwhile, both checksums describe the chunk at H: a
 *       difference is drift, reported in the log and kept in ClickHouse for {@code /status}, and (with
 *       {@code source.mysql.verify.repair}) repaired by re-reading the chunk through the snapshot's
 *       engine; a changed chunk is checked again later.</li>
 * </ol>
 * Tables keyed by numbers, dates and date-times ({@link DigestColumn#isRangeKey}) are checked in ranges
 * of {@code source.mysql.snapshot.chunk-rows} keys; others (character keys, whose collation ClickHouse
 * cannot compare by; no key) whole when they are small ({@link #WHOLE_TABLE_ROWS}), else not at all
 * (said once in the log; {@code tributary verify} covers them). Needs gtid_mode=ON.
 */
public final class ChunkVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkVerifier.class);
    /** A table checked as one chunk (no key cut into ranges) must be smaller than this many rows (MySQL's estimate). */
    static final long WHOLE_TABLE_ROWS = 200_000;
    private static final int INCONCLUSIVE_TRIES = 3;
    private static final long DURABLE_WAIT_MS = 300_000;

    /** What the reader does for the verifier. */
    public interface Reader {
        /** Whether {@code table} is streaming plainly: not parked, not being read by a snapshot, resync or backfill. */
        boolean streaming(String table);

        /** Re-reads {@code scope} of {@code table} through the snapshot's engine; completes once the rows are out. */
        CompletableFuture<Void> repair(String table, SnapshotScope scope, String why);
    }

    /** {@code rowsPerSecond}: 0 turns the verifier off. */
    public record Settings(long rowsPerSecond, boolean repair, long chunkRows) implements java.io.Serializable {
        public boolean enabled() {
            return rowsPerSecond > 0;
        }
    }

    private final MySqlSourceConfig config;
    private final ClickHouseChecksums clickhouse;
    private final Settings settings;
    private final Reader reader;
    private final Thread thread;
    private volatile boolean closing;
    private volatile VerifiedChunk current;
    private volatile SourcePosition passed;
    private volatile SourcePosition durable;
    private final TreeMap<Long, SourcePosition> checkpoints = new TreeMap<>();
    private final Set<String> toldNotChecked = new HashSet<>();
    private final AtomicLong equal = new AtomicLong();
    private final AtomicLong drifted = new AtomicLong();
    private final AtomicLong inconclusive = new AtomicLong();

    public ChunkVerifier(MySqlSourceConfig config, ClickHouseChecksums clickhouse, Settings settings, Reader reader) {
        this.config = config;
        this.clickhouse = clickhouse;
        this.settings = settings;
        this.reader = reader;
        this.thread = new Thread(this::run, "chunk-verifier");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    // ---- called on the reader's thread ----

    /** A change about to be handed on, with its transaction's GTID (or null). Cheap when no check runs. */
    public void sees(ChangeEvent e, String gtid) {
        VerifiedChunk c = current;
        if (c != null) {
            c.sees(e, gtid);
        }
    }

    /** Whether the reader should report the positions it passes ({@link #passed}). */
    public boolean wantsPositions() {
        return current != null;
    }

    /** The reader handed on every record before {@code at} (a binlog file and position). */
    public void passed(SourcePosition at) {
        passed = at;
    }

    /** A snapshot, resync or backfill runs: a check running now cannot conclude. */
    public void rereadRunning() {
        VerifiedChunk c = current;
        if (c != null) {
            c.markChanged();
        }
    }

    public void checkpointTaken(long checkpointId) {
        SourcePosition at = passed;
        if (at != null && current != null) {
            synchronized (checkpoints) {
                checkpoints.put(checkpointId, at);
            }
        }
    }

    /** Every record handed on before the checkpoint is stored in ClickHouse. */
    public void checkpointCompleted(long checkpointId) {
        synchronized (checkpoints) {
            SourcePosition at = checkpoints.get(checkpointId);
            checkpoints.headMap(checkpointId, true).clear();
            if (at != null && (durable == null || at.compareTo(durable) > 0)) {
                durable = at;
            }
        }
    }

    public long chunksEqual() {
        return equal.get();
    }

    public long chunksDrifted() {
        return drifted.get();
    }

    // ---- the verifier's thread ----

    private void run() {
        try (Connection c = connect()) {
            if (!"ON".equalsIgnoreCase(variable(c, "gtid_mode"))) {
                LOG.warn("Continuous verification is off: gtid_mode is not ON (a chunk's consistent point is a GTID "
                        + "set). tributary verify still compares every table on demand.");
                return;
            }
            String statusStatement = MySqlServerVersion.of(c).binaryLogStatusStatement();
            LOG.info("Continuous verification: every captured table, chunk by chunk, at {} rows/s; drifted chunks are {}",
                    settings.rowsPerSecond(), settings.repair() ? "repaired" : "reported, not repaired");
            while (!closing) {
                boolean checked = false;
                for (Map.Entry<String, Long> t : MySqlRowEstimates.captured(c, config).entrySet()) {
                    if (closing) {
                        return;
                    }
                    if (!reader.streaming(t.getKey())) {
                        continue;
                    }
                    try {
                        checked |= verifyTable(c, statusStatement, t.getKey(), t.getValue());
                    } catch (SQLException | RuntimeException e) {
                        // One table's failure (ClickHouse has no view yet, a DDL renamed a column) is not the others'.
                        LOG.warn("Continuous verification of {} failed: {}; it is checked again on the next pass",
                                t.getKey(), e.getMessage());
                        sleep(1000);
                    }
                }
                if (!checked) {
                    sleep(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!closing) {
                LOG.warn("Continuous verification stopped: {}. It starts again with the pipeline; tributary verify "
                        + "compares on demand.", e.getMessage(), e);
            }
        }
    }

    /** One pass over {@code table}: every chunk once. False when the table is not checked continuously. */
    private boolean verifyTable(Connection c, String statusStatement, String table, long estimate) throws Exception {
        List<String[]> columns = columns(c, table);
        if (columns.isEmpty()) {
            return false; // dropped since listed
        }
        List<String> key = new ArrayList<>();
        boolean rangeKey = true;
        List<DigestColumn> digestColumns = new ArrayList<>();
        for (String[] col : columns) {
            DigestColumn column = new DigestColumn(col[0], col[1], col[2]);
            digestColumns.add(column);
            if (!"0".equals(col[3])) {
                key.add(col[0]);
                rangeKey &= column.isRangeKey();
            }
        }
        if (key.isEmpty() || !rangeKey) {
            if (estimate > WHOLE_TABLE_ROWS) {
                if (toldNotChecked.add(table)) {
                    LOG.info("Continuous verification skips {}: its key is {} and it has about {} rows (tables not keyed "
                            + "by numbers, dates or date-times are checked whole up to {} rows); tributary verify compares it "
                            + "on demand", table, key.isEmpty() ? "missing" : "of a character, binary, TIME or YEAR column",
                            estimate, WHOLE_TABLE_ROWS);
                }
                return false;
            }
            key = List.of();
        }
        RowDigest digest = new RowDigest(digestColumns);
        long started = System.currentTimeMillis();
        int chunks = 0;
        long rows = 0;
        long drifts = 0;
        List<String> lower = null;
        do {
            if (closing || !reader.streaming(table)) {
                return true;
            }
            List<String> upper = key.isEmpty() ? null : KeyRanges.upperBound(c, quoted(table), key, lower,
                    settings.chunkRows());
            if (upper != null && !upper.stream().allMatch(KeyLiteral::isBound)) {
                if (toldNotChecked.add(table)) {
                    LOG.info("Continuous verification stops at key {} of {}: a date before 1900 or after 2299 cannot "
                            + "bound a range in ClickHouse (it clamps such dates); tributary verify compares the table "
                            + "on demand", upper, table);
                }
                return true;
            }
            VerifiedChunk chunk = new VerifiedChunk(table, key, key.isEmpty() ? null : new SnapshotScope.KeyRange(lower, upper));
            Outcome outcome = check(c, statusStatement, chunk, digest);
            for (int tries = 1; outcome == Outcome.INCONCLUSIVE && tries < INCONCLUSIVE_TRIES && !closing; tries++) {
                sleep(200L * tries);
                outcome = check(c, statusStatement, chunk, digest);
            }
            if (outcome == Outcome.DRIFTED) {
                drifts++;
                if (settings.repair()) {
                    repair(c, statusStatement, chunk, digest);
                }
            }
            chunks++;
            rows += lastRows;
            pace(lastRows);
            lower = upper;
        } while (lower != null);
        LOG.info("Continuous verification of {}: {} chunk(s), {} row(s) in {} ms, {}", table, chunks, rows,
                System.currentTimeMillis() - started, drifts == 0 ? "equal" : drifts + " chunk(s) drifted");
        return true;
    }

    private enum Outcome { EQUAL, DRIFTED, INCONCLUSIVE }

    private long lastRows;

    private Outcome check(Connection c, String statusStatement, VerifiedChunk chunk, RowDigest digest) throws Exception {
        current = chunk;
        lastRows = settings.chunkRows(); // paced as a full chunk unless it concludes
        try {
            // A transaction handed on just before the registration is committed (in gtid_executed) by the time the
            // low watermark is read: the binlog reaches the reader at most the commit's few microseconds early.
            sleep(50);
            chunk.lowWatermark(GtidSet.parse(variable(c, "gtid_executed")));
            c.setAutoCommit(false);
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                }
                // Every transaction the view holds wrote its binlog before this end.
                SourcePosition high = binlogEnd(c, statusStatement);
                long deadline = System.currentTimeMillis() + DURABLE_WAIT_MS;
                while (!chunk.changed() && (durable == null || durable.compareTo(high) < 0)) {
                    if (closing || System.currentTimeMillis() > deadline) {
                        return Outcome.INCONCLUSIVE;
                    }
                    sleep(50);
                }
                // Both sides without the keys changed since the view: MySQL's view and ClickHouse then hold the same
                // moment of every other key. Keys changed while the two checksums ran are left out on a second try.
                for (int attempt = 0; attempt < INCONCLUSIVE_TRIES && !chunk.changed(); attempt++) {
                    java.util.Set<List<String>> excluded = chunk.changedKeys();
                    RowDigest.Checksum mysql = mysqlChecksum(c, chunk, digest, excluded);
                    RowDigest.Checksum target = clickhouse.checksum(chunk.table, digest,
                            chunk.scope(), chunk.clickhouseWithoutKeys(excluded));
                    if (chunk.changed() || !chunk.changedKeys().equals(excluded)) {
                        continue;
                    }
                    lastRows = mysql.rows();
                    return conclude(chunk, high, excluded.size(), mysql, target);
                }
                inconclusive.incrementAndGet();
                return Outcome.INCONCLUSIVE;
            } finally {
                c.commit();
                c.setAutoCommit(true);
            }
        } finally {
            current = null;
        }
    }

    private RowDigest.Checksum mysqlChecksum(Connection c, VerifiedChunk chunk, RowDigest digest,
                                             java.util.Set<List<String>> excluded) throws SQLException {
        String where = chunk.range == null ? "1"
                : KeyRanges.where(chunk.keyColumns, chunk.range.lower(), chunk.range.upper());
        where = " WHERE " + where + " AND " + chunk.mysqlWithoutKeys(excluded);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(digest.mysqlQuery(quoted(chunk.table), where))) {
            rs.next();
            return new RowDigest.Checksum(rs.getLong(1), rs.getString(2));
        }
    }

    private Outcome conclude(VerifiedChunk chunk, SourcePosition high, int excluded, RowDigest.Checksum mysql,
                             RowDigest.Checksum target) {
        boolean same = mysql.equals(target);
        clickhouse.record(new ClickHouseChecksums.ChunkCheck(chunk.table, chunk.scope().toString(),
                same ? ClickHouseChecksums.Verdict.EQUAL : ClickHouseChecksums.Verdict.DRIFTED, mysql, target,
                System.currentTimeMillis()));
        if (same) {
            equal.incrementAndGet();
            return Outcome.EQUAL;
        }
        drifted.incrementAndGet();
        LOG.warn("Continuous verification: {} DRIFTED: MySQL has {}, ClickHouse {} (at binlog {}, {} key(s) changed "
                        + "meanwhile left out){}", chunk.describe(), mysql, target, high, excluded, settings.repair()
                        ? "; re-reading the chunk to repair it"
                        : "; not repaired (source.mysql.verify.repair is off): run ./tributary resync " + chunk.table);
        return Outcome.DRIFTED;
    }

    /** Re-reads a drifted chunk and checks it again. */
    private void repair(Connection c, String statusStatement, VerifiedChunk chunk, RowDigest digest) throws Exception {
        try {
            reader.repair(chunk.table, chunk.scope(), "drift found by continuous verification")
                    .get(DURABLE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Continuous verification: the repair of {} did not finish ({}); it is checked again on the next pass",
                    chunk.describe(), e.getMessage());
            return;
        }
        VerifiedChunk again = new VerifiedChunk(chunk.table, chunk.keyColumns, chunk.range);
        Outcome outcome = Outcome.INCONCLUSIVE;
        for (int tries = 0; outcome == Outcome.INCONCLUSIVE && tries < INCONCLUSIVE_TRIES && !closing; tries++) {
            outcome = check(c, statusStatement, again, digest);
        }
        if (outcome == Outcome.EQUAL) {
            LOG.info("Continuous verification: {} REPAIRED: equal after its re-read", chunk.describe());
        } else {
            LOG.warn("Continuous verification: {} is still {} after its re-read", chunk.describe(),
                    outcome == Outcome.DRIFTED ? "different" : "changing");
        }
    }

    /** Name, data type, column type and place in the primary key (0 outside it), in the table's column order. */
    private static List<String[]> columns(Connection c, String table) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (var st = c.prepareStatement("SELECT c.column_name, c.data_type, c.column_type, COALESCE(k.seq_in_index, 0) "
                + "FROM information_schema.columns c LEFT JOIN information_schema.statistics k ON k.table_schema = "
                + "c.table_schema AND k.table_name = c.table_name AND k.column_name = c.column_name AND k.index_name = "
                + "'PRIMARY' WHERE c.table_schema = ? AND c.table_name = ? ORDER BY c.ordinal_position")) {
            st.setString(1, table.substring(0, table.indexOf('.')));
            st.setString(2, table.substring(table.indexOf('.') + 1));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        // The key's columns in key order for the range conditions: information_schema gives seq_in_index per column.
        List<String[]> keyOrdered = new ArrayList<>(columns.stream().filter(x -> !"0".equals(x[3])).toList());
        keyOrdered.sort(java.util.Comparator.comparingInt(x -> Integer.parseInt(x[3])));
        List<String[]> ordered = new ArrayList<>(keyOrdered);
        columns.stream().filter(x -> "0".equals(x[3])).forEach(ordered::add);
        return ordered;
    }

    /** Waits so that the rows checked stay within the configured rate. */
    private void pace(long rows) throws InterruptedException {
        sleep(Math.max(0, rows * 1000 / settings.rowsPerSecond()));
    }

    private Connection connect() throws SQLException {
        Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl("&connectTimeout=10000"), config.user(),
                config.password());
        try (Statement st = c.createStatement()) {
            // TIMESTAMP values in UTC, as ClickHouse holds them.
            st.execute("SET SESSION time_zone = '+00:00'");
            st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        }
        return c;
    }

    private static SourcePosition binlogEnd(Connection c, String statement) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(statement)) {
            if (!rs.next()) {
                throw new IllegalStateException("MySQL returned no binlog position: is the binlog on (log_bin)?");
            }
            return SourcePosition.snapshot(rs.getString(1), rs.getLong(2));
        }
    }

    private static String variable(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@global." + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String quotedName(String name) {
        return DigestColumn.mysqlQuoted(name);
    }

    private static String quoted(String table) {
        return quotedName(table.substring(0, table.indexOf('.'))) + "." + quotedName(table.substring(table.indexOf('.') + 1));
    }

    private static void sleep(long ms) throws InterruptedException {
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    @Override
    public void close() {
        closing = true;
        thread.interrupt();
    }
}
