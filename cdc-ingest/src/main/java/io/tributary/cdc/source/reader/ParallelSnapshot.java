package io.tributary.cdc.source.reader;

import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.util.ColumnUtils;
import io.tributary.cdc.debezium.DebeziumTables;
import io.tributary.cdc.debezium.RecordConverter;
import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlRowEstimates;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.MySqlSourceOptions;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial snapshot, read by several threads in primary-key slices ({@link SnapshotChunk}).
 *
 * <p>Consistency: Debezium starts without data ({@code snapshot.mode=no_data}) and streams from its
 * position P'. Once its first record shows that P' is fixed, this class reads the tables' structure,
 * takes a global read lock for a moment, opens one consistent-snapshot transaction per thread, reads
 * the binlog position P (at or after P') and releases the lock. Every thread therefore reads the database as of P, in
 * parallel and without holding any lock. Its rows are versioned at P; the reader hands them out
 * before any binlog change and then skips the binlog records before P, which the read views
 * already contain.
 */
final class ParallelSnapshot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelSnapshot.class);
    private static final int BATCH_ROWS = 512;
    private static final int LOCK_WAIT_SECONDS = 10;
    private static final int NET_WRITE_TIMEOUT_SECONDS = 3600;
    /** MySQL's ER_SPECIFIC_ACCESS_DENIED_ERROR: "you need (at least one of) the RELOAD privilege(s)". */
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    /** Rows for the reader, a table whose row cannot be converted, a failure of the whole snapshot, or the end. */
    record Batch(List<ChangeEvent> rows, String failedTable, RuntimeException failure, boolean last) {
        static Batch rows(List<ChangeEvent> rows) { return new Batch(rows, null, null, false); }
    }

    private final MySqlSourceConfig config;
    private final RecordConverter converter;
    private final Runnable onData;
    private final BlockingQueue<Batch> batches;
    private final CompletableFuture<Void> debeziumStarted = new CompletableFuture<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<MySqlConnection> connections = new ArrayList<>();
    private final ConcurrentLinkedQueue<SnapshotChunk> chunks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    /** Per table, its slices not read yet, and the tables a slice found rows in: a table read empty is told apart. */
    private final Map<String, AtomicInteger> slicesLeft = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> withRows = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread coordinator;
    private volatile boolean closing;
    private volatile SourcePosition position;
    private volatile Map<String, Object> positionOffset;
    private DebeziumTables tables;
    private long startedAtMs;

    ParallelSnapshot(MySqlSourceConfig config, RecordConverter converter, Runnable onData) {
        this.config = config;
        this.converter = converter;
        this.onData = onData;
        this.batches = new ArrayBlockingQueue<>(Math.max(4, config.queueCapacity() / BATCH_ROWS));
        this.coordinator = new Thread(this::run, "snapshot-" + config.host() + ":" + config.port());
        coordinator.setDaemon(true);
        coordinator.start();
    }

    /** Debezium sent its first record: its position is fixed, the read views may be opened. */
    void debeziumStarted() {
        debeziumStarted.complete(null);
    }

    /** Debezium stopped before or during the snapshot: the snapshot ends with its failure. */
    void debeziumFailed(Throwable error) {
        if (!debeziumStarted.completeExceptionally(error)) {
            fail(error); // nothing could stream after the snapshot: stop it now rather than at its end
        }
    }

    /** P as a Debezium offset ({@code file}, {@code pos}), for messages that name where a table was parked. */
    Map<String, ?> positionOffset() {
        return positionOffset;
    }

    /** P, once the read views are open; null before. */
    SourcePosition position() {
        return position;
    }

    /** The next batch, or null when none is ready. */
    Batch poll() {
        return batches.poll();
    }

    boolean hasData() {
        return !batches.isEmpty();
    }

    private void run() {
        try {
            try {
                debeziumStarted.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("Debezium stopped before the snapshot could start: "
                        + e.getCause().getMessage(), e.getCause());
            }
            // Read again now that Debezium's position P' is fixed (the reader's own look only chose this
            // reader): a table created before P' is in Debezium's schema but its CREATE is not in the stream.
            Map<String, Long> estimates = MySqlRowEstimates.captured(config);
            tables = new DebeziumTables(config);
            openReadViews(estimates.keySet());
            planChunks(estimates);
            startWorkers();
        } catch (Throwable e) {
            if (!closing) {
                fail(e instanceof InterruptedException ? new IllegalStateException("snapshot interrupted", e) : e);
            }
        }
    }

    private void openReadViews(Set<String> captured) throws SQLException {
        int threadCount = config.snapshotThreadsHere();
        try (MySqlConnection lock = tables.connect()) {
            tables.prepare(lock);
            // Connected (TLS and all) before the lock, so that writers wait only for the read views to open.
            for (int i = 0; i < threadCount; i++) {
                MySqlConnection c = tables.connect();
                connections.add(c);
                try (Statement view = c.connection().createStatement()) {
                    view.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    // The reader waits while ClickHouse is slow or down (back-pressure); MySQL would drop a result
                    // it cannot send within net_write_timeout (60 s by default) and the snapshot would start over.
                    view.execute("SET SESSION net_write_timeout = " + NET_WRITE_TIMEOUT_SECONDS);
                }
            }
            // The structure is read before the lock, not under it: with 400 tables reading it there held every writer
            // of the server back for 2.8 s. It is still the read views' structure: Debezium's position P' is fixed, so a
            // DDL after this read and before P is a binlog record in [P', P), which starts the snapshot again.
            List<TableId> ids = captured.stream().map(t -> new TableId(t.substring(0, t.indexOf('.')), null,
                    t.substring(t.indexOf('.') + 1))).sorted().toList();
            long structureAt = System.currentTimeMillis();
            tables.load(lock, ids);
            long structureMs = System.currentTimeMillis() - structureAt;
            Connection jdbc = lock.connection();
            try (Statement st = jdbc.createStatement()) {
                st.execute("SET SESSION lock_wait_timeout = " + LOCK_WAIT_SECONDS);
                long lockedAt = System.currentTimeMillis();
                try {
                    st.execute("FLUSH TABLES WITH READ LOCK");
                } catch (SQLException e) {
                    IllegalStateException refused = new IllegalStateException("The snapshot needs a global read lock "
                            + "for a moment (FLUSH TABLES WITH READ LOCK) and could not take it: " + e.getMessage()
                            + ". Grant RELOAD to " + config.user() + ", or set " + MySqlSourceOptions.SNAPSHOT_READER.key()
                            + ": debezium to use Debezium's single-threaded snapshot with table locks.", e);
                    // Without the privilege every restart would fail the same way; a lock wait timeout may pass.
                    throw e.getErrorCode() == ER_SPECIFIC_ACCESS_DENIED
                            ? new org.apache.flink.runtime.execution.SuppressRestartsException(refused) : refused;
                }
                try {
                    for (MySqlConnection c : connections) {
                        try (Statement view = c.connection().createStatement()) {
                            view.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                        }
                    }
                    readBinlogPosition(lock);
                } finally {
                    st.execute("UNLOCK TABLES");
                }
                startedAtMs = System.currentTimeMillis();
                LOG.info("Snapshot of {} table(s) at {} by {} thread(s): structure read in {} ms, read views opened "
                        + "under a global read lock held {} ms", captured.size(), position, threadCount, structureMs,
                        startedAtMs - lockedAt);
            }
        }
    }

    /** P: where the binlog stands while the lock holds every writer back. */
    private void readBinlogPosition(MySqlConnection connection) throws SQLException {
        io.tributary.cdc.source.snapshot.BinlogEnd end = io.tributary.cdc.source.snapshot.BinlogEnd.read(connection);
        positionOffset = end.offset();
        position = end.snapshotPosition();
    }

    private void planChunks(Map<String, Long> estimates) throws SQLException {
        List<String> ordered = new ArrayList<>(estimates.keySet());
        // Largest first: the slices of a big table keep every thread busy while the small ones fill gaps.
        ordered.sort(Comparator.comparing((String t) -> -estimates.get(t)).thenComparing(t -> t));
        MySqlConnection first = connections.get(0);
        for (String name : ordered) {
            TableId id = new TableId(name.substring(0, name.indexOf('.')), null, name.substring(name.indexOf('.') + 1));
            Table table = tables.table(id);
            String key = integerKey(table);
            List<SnapshotChunk> split;
            if (key == null) {
                split = List.of(SnapshotChunk.whole(id.catalog(), id.table()));
            } else {
                BigInteger[] range = keyRange(first, id, key);
                split = SnapshotChunk.split(id.catalog(), id.table(), key, range[0], range[1], estimates.get(name),
                        config.snapshotChunkRows());
            }
            chunks.addAll(split);
            slicesLeft.put(name, new AtomicInteger(split.size()));
        }
    }

    /** The single primary-key column when it is an integer, else null (the table is read in one slice). */
    private static String integerKey(Table table) {
        List<Column> key = table.primaryKeyColumns();
        if (key.size() != 1) {
            return null;
        }
        return switch (key.get(0).jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> key.get(0).name();
            default -> null;
        };
    }

    private static BigInteger[] keyRange(MySqlConnection connection, TableId id, String key) throws SQLException {
        String column = connection.quoteIdentifier(key);
        try (Statement st = connection.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT MIN(" + column + "), MAX(" + column + ") FROM "
                     + connection.quotedTableIdString(id))) {
            rs.next();
            String min = rs.getString(1);
            String max = rs.getString(2);
            return new BigInteger[] {min == null ? null : new BigInteger(min), max == null ? null : new BigInteger(max)};
        }
    }

    private void startWorkers() {
        running.set(connections.size());
        for (int i = 0; i < connections.size(); i++) {
            MySqlConnection connection = connections.get(i);
            Thread t = new Thread(() -> work(connection), "snapshot-reader-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void work(MySqlConnection connection) {
        try {
            SnapshotChunk chunk;
            while (!closing && (chunk = chunks.poll()) != null) {
                read(connection, chunk);
            }
            connection.connection().commit();
        } catch (Throwable e) {
            if (!closing) {
                fail(e);
            }
            return;
        }
        if (running.decrementAndGet() == 0 && !closing) {
            put(new Batch(List.of(), null, null, true));
            LOG.info("Snapshot at {} read in {} ms", position, System.currentTimeMillis() - startedAtMs);
        }
    }

    private void read(MySqlConnection connection, SnapshotChunk chunk) throws SQLException {
        TableId id = new TableId(chunk.database(), null, chunk.table());
        Table table = tables.table(id);
        DebeziumTables.RowConverter rows = tables.rowConverter(id);
        TableSchema schema = rows.tableSchema();
        long readAtMs = System.currentTimeMillis();
        long read = 0;
        try (Statement st = connection.connection().createStatement(ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            st.setFetchSize(Integer.MIN_VALUE); // stream rows instead of loading the slice into memory
            // Every column by name: SELECT * leaves out INVISIBLE columns and a generated invisible key (my_row_id).
            String columnList = table.columns().stream().map(col -> connection.quoteIdentifier(col.name()))
                    .collect(java.util.stream.Collectors.joining(", "));
            try (ResultSet rs = st.executeQuery("SELECT " + columnList + " FROM " + connection.quotedTableIdString(id)
                    + chunk.where(connection::quoteIdentifier))) {
                ColumnUtils.ColumnArray columns = ColumnUtils.toArray(rs, table);
                List<ChangeEvent> batch = new ArrayList<>(BATCH_ROWS);
                while (rs.next()) {
                    if (closing) {
                        return;
                    }
                    ChangeEvent event;
                    try {
                        Object[] values = rows.values(connection.rowToArray(table, rs, columns));
                        event = converter.snapshotRow(chunk.database(), chunk.table(), schema.valueSchema(),
                                schema.keySchema(), values, position, readAtMs);
                    } catch (RuntimeException e) {
                        put(batch);
                        put(new Batch(null, chunk.qualifiedTable(), e, false));
                        return; // the table is parked; its other slices' rows are dropped by the reader
                    }
                    batch.add(event);
                    read++;
                    if (batch.size() == BATCH_ROWS) {
                        put(batch);
                        batch = new ArrayList<>(BATCH_ROWS);
                    }
                }
                put(batch);
            }
        }
        // A row of the slice is counted before the slice is: the last slice of a table then sees every other's rows.
        if (read > 0) {
            withRows.add(chunk.qualifiedTable());
        }
        if (slicesLeft.get(chunk.qualifiedTable()).decrementAndGet() == 0 && !withRows.contains(chunk.qualifiedTable())) {
            // No row tells the sinks that what an earlier snapshot stored of it is gone: its begin does.
            put(Batch.rows(List.of(ChangeEvent.snapshotBegin(chunk.database(), chunk.table(), converter.inEpoch(position),
                    readAtMs, io.tributary.cdc.event.SnapshotScope.whole(), converter.schemaOf(chunk.database(),
                            chunk.table(), schema.valueSchema(), schema.keySchema())))));
        }
    }

    private void put(List<ChangeEvent> rows) {
        if (!rows.isEmpty()) {
            put(Batch.rows(rows));
        }
    }

    private void put(Batch batch) {
        try {
            batches.put(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("snapshot interrupted", e);
        }
        onData.run();
    }

    private void fail(Throwable e) {
        if (closing) {
            return;
        }
        RuntimeException failure = e instanceof RuntimeException r ? r
                : new IllegalStateException("Snapshot failed: " + e.getMessage(), e);
        batches.clear(); // the failure must reach the reader even if the queue was full
        batches.offer(new Batch(null, null, failure, false));
        onData.run();
    }

    @Override
    public void close() {
        closing = true;
        coordinator.interrupt();
        threads.forEach(Thread::interrupt);
        for (MySqlConnection c : connections) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Closing a snapshot connection: {}", e.getMessage());
            }
        }
        if (tables != null) {
            tables.close();
        }
    }
}
