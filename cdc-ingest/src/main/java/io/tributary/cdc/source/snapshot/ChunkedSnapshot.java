package io.tributary.cdc.source.snapshot;

import io.debezium.connector.mysql.jdbc.MySqlConnection;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.tributary.cdc.debezium.DebeziumTables;
import io.tributary.cdc.debezium.RecordConverter;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.split.BinlogSplit;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock-free snapshot of a new pipeline: tables cut into key-range chunks ({@link ChunkSplitter}),
 * handed out by a {@link ChunkAssigner} to {@code source.mysql.snapshot.threads} {@link ChunkReader}s,
 * each chunk read between a low and a high watermark while Debezium streams; the source reader
 * reconciles each read with the binlog ({@link SnapshotWindows}). Needs SELECT and REPLICATION
 * CLIENT / SLAVE only, and GTIDs on ({@code gtid_mode=ON}: the low watermark is a GTID set).
 *
 * <p>Memory is bounded: a reader waits before reading while the rows read and not yet handed out
 * exceed two chunks per reader.
 */
public final class ChunkedSnapshot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkedSnapshot.class);
    private static final int ATTEMPTS = 3;

    private final MySqlSourceConfig config;
    private final RecordConverter converter;
    private final int epoch;
    private final Runnable onData;
    private final CompletableFuture<Void> debeziumStarted = new CompletableFuture<>();
    private final BlockingQueue<ChunkResult> results;
    private final AtomicLong queuedRows = new AtomicLong();
    private final AtomicInteger chunksRead = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Thread coordinator;
    private final KeyWeights weights;
    /** The tables an earlier run did not finish, when this one continues its snapshot; null for a new snapshot. */
    private final List<BinlogSplit.UnfinishedTable> resumed;
    private volatile SnapshotWindows windows;
    private volatile ChunkAssigner assigner;
    private volatile RuntimeException failure;
    private volatile boolean closing;
    private volatile SourcePosition position;
    private volatile Map<String, ?> positionOffset;
    private long startedAtMs;
    private volatile int chunksSkipped;
    /** Of each table a resumed snapshot reads in part, the share of its chunks left to read. */
    private final Map<String, Double> shareLeft = new java.util.concurrent.ConcurrentHashMap<>();
    /** What a read beside the streaming binlog is ("Resync of db.t", "Backfill of ..."), or null for the first snapshot. */
    private final String besideBinlog;
    /** Of a repair: the key ranges of its one table to read again; null otherwise. */
    private final io.tributary.cdc.event.SnapshotScope repairScope;

    public ChunkedSnapshot(MySqlSourceConfig config, RecordConverter converter, int epoch, Runnable onData) {
        this(config, converter, epoch, onData, null);
    }

    /**
     * {@code config}: the settings of a new pipeline (or narrowed to the tables read), {@code resumed}: as below,
     * {@code besideBinlog}: what a read beside the streaming binlog is, or null for the first snapshot.
     */
    private ChunkedSnapshot(MySqlSourceConfig config, RecordConverter converter, int epoch, Runnable onData,
                            List<BinlogSplit.UnfinishedTable> resumed, String besideBinlog,
                            io.tributary.cdc.event.SnapshotScope repairScope) {
        this.resumed = resumed == null ? null : List.copyOf(resumed);
        this.besideBinlog = besideBinlog;
        this.repairScope = repairScope;
        this.config = config;
        this.converter = converter;
        this.epoch = epoch;
        this.onData = onData;
        this.weights = KeyWeights.of(config);
        this.results = new ArrayBlockingQueue<>(Math.max(2, config.snapshotThreadsHere() + 1));
        this.coordinator = new Thread(this::run, "chunked-snapshot-" + config.host() + ":" + config.port());
        coordinator.setDaemon(true);
        coordinator.start();
    }

    /**
     * Reads {@code table} ({@code db.table}) again while the binlog streams, as the first snapshot reads
     * every table: its rows versioned at the binlog's end now, its changes reconciled chunk by chunk.
     * Debezium streams already, so the windows register at once; until they do, the binlog waits.
     */
    public static ChunkedSnapshot resync(MySqlSourceConfig config, String table, RecordConverter converter, int epoch,
                                         Runnable onData) {
        return besideBinlog(config.onlyTables(List.of(table)), "Resync of " + table, converter, epoch, onData);
    }

    /**
     * Reads {@code tables}, which a restart's configuration captures and the checkpoint's did not, as
     * {@link #resync} reads one table: the other tables are not read again.
     */
    public static ChunkedSnapshot backfill(MySqlSourceConfig config, List<String> tables, RecordConverter converter,
                                           int epoch, Runnable onData) {
        return besideBinlog(config.onlyTables(tables), "Backfill of " + tables, converter, epoch, onData);
    }

    /**
     * Reads {@code scope} of {@code table} again while the binlog streams (a chunk the verifier found drifted), as
     * {@link #resync} reads the whole table: the rest of the table is left as it is. A table no longer keyed by the
     * scope's columns is read whole.
     */
    public static ChunkedSnapshot repair(MySqlSourceConfig config, String table, io.tributary.cdc.event.SnapshotScope scope,
                                         RecordConverter converter, int epoch, Runnable onData) {
        ChunkedSnapshot read = new ChunkedSnapshot(config.onlyTables(List.of(table)), converter, epoch, onData, null,
                "Repair of " + table + " " + scope, scope.isWhole() ? null : scope);
        read.debeziumStarted();
        return read;
    }

    private static ChunkedSnapshot besideBinlog(MySqlSourceConfig narrowed, String label, RecordConverter converter,
                                                int epoch, Runnable onData) {
        ChunkedSnapshot read = new ChunkedSnapshot(narrowed, converter, epoch, onData, null, label, null);
        read.debeziumStarted(); // Debezium streams (or resumes from its offset): its position needs no waiting for
        return read;
    }

    /** Whether this engine reads tables beside the streaming binlog (a resync, a backfill), not the first snapshot. */
    public boolean besideBinlog() {
        return besideBinlog != null;
    }

    /**
     * {@code resumed}: the tables an earlier run's checkpoint kept as unfinished (Debezium resumes from that
     * checkpoint's offset): only those are read, and of a table with chunks only those not done; null: a
     * new snapshot of every captured table.
     */
    public ChunkedSnapshot(MySqlSourceConfig config, RecordConverter converter, int epoch, Runnable onData,
                           List<BinlogSplit.UnfinishedTable> resumed) {
        this(config, converter, epoch, onData, resumed, null, null);
    }

    /** Debezium sent its first record: it streams from a fixed position, tables may be registered. */
    public void debeziumStarted() {
        debeziumStarted.complete(null);
    }

    public void debeziumFailed(Throwable error) {
        if (!debeziumStarted.completeExceptionally(error)) {
            fail(error);
        }
    }

    /** The reconciliation, once every captured table is registered; null before (the binlog waits). */
    public SnapshotWindows windows() {
        return windows;
    }

    /** A failure of the whole snapshot, or null. */
    public RuntimeException failure() {
        return failure;
    }

    /** The next chunk read, or null. */
    public ChunkResult poll() {
        ChunkResult r = results.poll();
        if (r != null) {
            queuedRows.addAndGet(-r.rows().size());
        }
        return r;
    }

    public boolean hasData() {
        return !results.isEmpty() || failure != null;
    }

    public void readAgain(List<TableChunk> chunks) {
        ChunkAssigner a = assigner;
        if (a != null) {
            chunks.forEach(a::readAgain);
        }
    }

    /** The binlog position every snapshot row carries (before the epoch), once known. */
    public SourcePosition position() {
        return position;
    }

    /** The snapshot's position as a Debezium offset ({@code file}, {@code pos}), for messages naming where a table was parked. */
    public Map<String, ?> positionOffset() {
        return positionOffset;
    }

    public int chunksRead() {
        return chunksRead.get();
    }

    public long startedAtMs() {
        return startedAtMs;
    }

    private void run() {
        try {
            try {
                debeziumStarted.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("Debezium stopped before the snapshot could start: "
                        + e.getCause().getMessage(), e.getCause());
            }
            startedAtMs = System.currentTimeMillis();
            // Listed once Debezium's position is fixed: a table created before it is in Debezium's schema, not its stream.
            Map<String, Long> estimates = io.tributary.cdc.source.MySqlRowEstimates.captured(config);
            DebeziumTables first = new DebeziumTables(config);
            resources.add(first);
            SourcePosition p0;
            try (MySqlConnection c = first.connect()) {
                first.prepare(c);
                BinlogEnd end = BinlogEnd.read(c);
                positionOffset = end.offset();
                p0 = end.snapshotPosition();
                position = p0;
                SnapshotWindows w = new SnapshotWindows(epoch == 0 ? p0 : p0.withEpoch(epoch), weights, resumed != null);
                if (repairScope != null) {
                    restore(w, estimates, first, c, p0, List.of(repairedTable(config.tables().get(0), first, c)));
                } else if (resumed == null) {
                    estimates.keySet().forEach(w::register);
                    assigner = new ChunkAssigner(estimates);
                    if (besideBinlog == null) {
                        LOG.info("Snapshot of {} table(s) without locks by {} reader(s), rows versioned at {}",
                                estimates.size(), config.snapshotThreadsHere(), p0);
                    } else if (estimates.isEmpty()) {
                        LOG.warn("{}: {} no longer exist(s); there is nothing to read", besideBinlog, config.tables());
                    } else {
                        LOG.info("{} without locks by {} reader(s) while the binlog streams, rows versioned at {}",
                                besideBinlog, config.snapshotThreadsHere(), p0);
                    }
                } else {
                    restore(w, estimates, first, c, p0, resumed);
                }
                windows = w;
            }
            onData.run();
            for (int i = 0; i < config.snapshotThreadsHere(); i++) {
                Thread t = new Thread(this::work, "chunk-reader-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        } catch (Throwable e) {
            if (!closing) {
                fail(e);
            }
        }
    }

    /**
     * Registers the tables an earlier run left unfinished, before any binlog change is handed through: a
     * table with chunks done continues with the others if its key is still the one it was cut by, else it
     * is read whole (as is a table kept without chunks).
     */
    private void restore(SnapshotWindows w, Map<String, Long> captured, DebeziumTables tables, MySqlConnection c,
                         SourcePosition p0, List<BinlogSplit.UnfinishedTable> resumed) throws SQLException {
        Map<String, Long> toRead = new java.util.LinkedHashMap<>();
        Map<String, ChunkAssigner.Restored> restored = new java.util.HashMap<>();
        int done = 0;
        int unread = 0;
        for (BinlogSplit.UnfinishedTable u : resumed) {
            Long estimate = captured.get(u.table());
            if (estimate == null) {
                continue; // dropped since the reader checked: its DROP is in the binlog
            }
            toRead.put(u.table(), estimate);
            KeyOrder order = u.isWhole() ? null : keyOrder(u, tables, c);
            if (order == null) {
                w.register(u.table());
                continue;
            }
            List<TableChunk> chunks = restoredChunks(u);
            boolean[] isDone = new boolean[chunks.size()];
            List<TableChunk> left = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                isDone[i] = u.chunks().get(i).done();
                if (isDone[i]) {
                    done++;
                } else {
                    left.add(chunks.get(i));
                }
            }
            unread += left.size();
            shareLeft.put(u.table(), chunks.isEmpty() ? 1.0 : (double) left.size() / chunks.size());
            w.restore(u.table(), order, chunks, isDone);
            restored.put(u.table(), new ChunkAssigner.Restored(order, left));
        }
        assigner = new ChunkAssigner(toRead, restored);
        chunksSkipped = done;
        if (besideBinlog != null) {
            LOG.info("{} without locks by {} reader(s) while the binlog streams, rows versioned at {}", besideBinlog,
                    config.snapshotThreadsHere(), p0);
            return;
        }
        LOG.info("Snapshot resumed without locks by {} reader(s), rows versioned at {}: {} table(s) to finish; of "
                + "those cut into chunks, {} chunk(s) done before the restart are skipped and {} read again; tables "
                + "kept without chunks are read whole", config.snapshotThreadsHere(), p0, toRead.size(),
                done, unread);
    }

    /**
     * The repair's table as a snapshot to finish: the scope's ranges to read, the key space around them done; the
     * whole table when its key is not (or no longer) the scope's columns of numbers, dates and date-times.
     */
    private BinlogSplit.UnfinishedTable repairedTable(String name, DebeziumTables tables, MySqlConnection c)
            throws SQLException {
        Table table = tableOf(name, tables, c);
        KeyOrder order = table == null ? null : KeyOrder.of(table);
        if (order == null || !order.rangesReadAlike() || !order.columns().equals(repairScope.keyColumns())
                || repairScope.ranges().size() != 1) {
            return BinlogSplit.UnfinishedTable.whole(name);
        }
        io.tributary.cdc.event.SnapshotScope.KeyRange r = repairScope.ranges().get(0);
        List<BinlogSplit.RestoredChunk> chunks = new ArrayList<>();
        if (r.lower() != null) {
            chunks.add(new BinlogSplit.RestoredChunk(null, r.lower(), true));
        }
        chunks.add(new BinlogSplit.RestoredChunk(r.lower(), r.upper(), false));
        if (r.upper() != null) {
            chunks.add(new BinlogSplit.RestoredChunk(r.upper(), null, true));
        }
        return new BinlogSplit.UnfinishedTable(name, order.columns(), order.kindNames(), chunks);
    }

    /** The key order of {@code u} now, or null when its key is no longer the one its chunks were cut by. */
    private static KeyOrder keyOrder(BinlogSplit.UnfinishedTable u, DebeziumTables tables, MySqlConnection c)
            throws SQLException {
        Table table = tableOf(u.table(), tables, c);
        KeyOrder order = table == null ? null : KeyOrder.of(table);
        if (order == null || !order.rangesReadAlike() || !order.columns().equals(u.keyColumns())
                || !order.kindNames().equals(u.keyKinds())) {
            LOG.info("{}: its primary key changed while the pipeline was down; it is read again whole", u.table());
            return null;
        }
        return order;
    }

    /** The chunks kept for {@code u}, with their bounds as JDBC parameters. */
    private static List<TableChunk> restoredChunks(BinlogSplit.UnfinishedTable u) {
        List<TableChunk> chunks = new ArrayList<>();
        for (BinlogSplit.RestoredChunk r : u.chunks()) {
            chunks.add(new TableChunk(u.table(), chunks.size(), array(r.lowerKey()), params(r.lowerKey()),
                    array(r.upperKey()), params(r.upperKey())));
        }
        return chunks;
    }

    private static Table tableOf(String name, DebeziumTables tables, MySqlConnection c) throws SQLException {
        TableId id = new TableId(name.substring(0, name.indexOf('.')), null, name.substring(name.indexOf('.') + 1));
        tables.load(c, List.of(id));
        return tables.table(id);
    }

    private static String[] array(List<String> key) {
        return key == null ? null : key.toArray(String[]::new);
    }

    /** Bounds bound as MySQL compares them with the column, as the splitter binds them. */
    private static Object[] params(List<String> key) {
        return key == null ? null : key.stream().map(io.tributary.cdc.event.KeyLiteral::mysqlParameter).toArray();
    }

    /**
     * The share of {@code table}'s chunks this snapshot reads: below 1 for a table a resumed snapshot
     * continues (its progress is then counted against that part of MySQL's estimate), else 1.
     */
    public double shareLeft(String table) {
        return shareLeft.getOrDefault(table, 1.0);
    }

    /** Chunks a resumed snapshot skipped because an earlier run had handed them out; 0 for a new snapshot. */
    public int chunksSkipped() {
        return chunksSkipped;
    }

    private void work() {
        DebeziumTables tables = new DebeziumTables(config);
        synchronized (resources) {
            resources.add(tables);
        }
        try (MySqlConnection connection = tables.connect()) {
            synchronized (resources) {
                resources.add(connection);
            }
            tables.prepare(connection);
            ChunkReader reader = new ChunkReader(connection, tables, converter, position);
            ChunkSplitter splitter = new ChunkSplitter(config.snapshotChunkRows(), weights);
            long limit = config.snapshotChunkRows() * 2L * Math.max(1, config.snapshotThreadsHere());
            while (!closing) {
                ChunkAssigner.Work work = assigner.next();
                if (work == null) {
                    if (windows.allHandedOut()) {
                        return;
                    }
                    Thread.sleep(20);
                    continue;
                }
                if (work.isPlan()) {
                    plan(work, reader, splitter, tables, connection);
                    continue;
                }
                while (!closing && windows.waitingRows() + queuedRows.get() > limit) {
                    Thread.sleep(5); // the binlog has not reached earlier chunks' high watermarks yet
                }
                if (!windows.start(work.chunk())) {
                    continue; // the table was parked or is gone
                }
                ChunkResult result = readWithRetries(reader, work);
                if (result == null) {
                    return;
                }
                queuedRows.addAndGet(result.rows().size());
                results.put(result);
                chunksRead.incrementAndGet();
                onData.run();
            }
        } catch (Throwable e) {
            if (!closing) {
                fail(e);
            }
        }
    }

    private void plan(ChunkAssigner.Work work, ChunkReader reader, ChunkSplitter splitter, DebeziumTables tables,
                      MySqlConnection connection) throws SQLException {
        String name = work.table();
        TableId id = new TableId(name.substring(0, name.indexOf('.')), null, name.substring(name.indexOf('.') + 1));
        try {
            Table table = reader.structure(id);
            if (table == null) {
                assigner.planFailed();
                windows.forget(name); // dropped since it was listed: its DROP is in the binlog
                return;
            }
            if (work.restored() != null) {
                // Cut by the earlier run; the windows hold its chunks since the restore.
                assigner.planned(name, work.order(), table, work.restored());
                return;
            }
            if (splitter.isOneChunk(work.estimatedRows()) || table.primaryKeyColumns().isEmpty()) {
                // One chunk, as the splitter would cut it: no key order, so no collation to ask information_schema
                // for, which a schema of thousands of small tables paid once a table (docs/scaling.md).
                List<TableChunk> whole = List.of(TableChunk.whole(name));
                windows.plan(name, null, table.primaryKeyColumns().isEmpty(), whole);
                assigner.planned(name, null, table, whole);
                return;
            }
            KeyOrder order = KeyOrder.of(table, KeyOrder.needsCollations(table) ? KeyCollation.read(connection.connection(),
                    id.catalog(), id.table(), table.primaryKeyColumnNames()) : Map.of());
            DebeziumTables.RowConverter rows = tables.rowConverter(id);
            TableSchema schema = rows.tableSchema();
            List<TableChunk> chunks = splitter.split(connection, table, order, work.estimatedRows(), row -> {
                return order.keyOf(converter.snapshotRow(id.catalog(), id.table(), schema.valueSchema(),
                        schema.keySchema(), rows.values(row), SourcePosition.ZERO, 0));
            });
            windows.plan(name, chunks.size() == 1 ? null : order, table.primaryKeyColumns().isEmpty(), chunks);
            assigner.planned(name, chunks.size() == 1 ? null : order, table, chunks);
            if (chunks.size() > 1) {
                LOG.info("{}: {} chunk(s) of about {} rows by {}", name, chunks.size(), config.snapshotChunkRows(),
                        order.columns());
            }
        } catch (SQLException e) {
            assigner.planFailed();
            if (e.getErrorCode() == 1146) {
                throw gone(name, e);
            }
            throw e;
        } catch (RuntimeException e) {
            assigner.planFailed();
            throw e;
        }
    }

    private ChunkResult readWithRetries(ChunkReader reader, ChunkAssigner.Work work) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                ChunkResult result = reader.read(work.chunk(), work.order(), work.planned());
                if (result != null) {
                    return result;
                }
                LOG.info("{} changed its structure while {} was read; reading it again", work.table(), work.chunk());
                attempt = 0;
            } catch (SQLException e) {
                if (e.getErrorCode() == 1146) {
                    fail(gone(work.table(), e));
                    return null;
                }
                if (attempt >= ATTEMPTS || closing) {
                    fail(new IllegalStateException("Reading " + work.chunk() + " failed " + attempt + " time(s): "
                            + e.getMessage(), e));
                    return null;
                }
                // "Table definition has changed" (a DDL between the read view and the read) and lock waits pass.
                LOG.warn("Reading {} failed ({}); reading it again", work.chunk(), e.getMessage());
                Thread.sleep(200L * attempt);
            }
        }
    }

    /**
     * {@code table} is gone while the snapshot reads it: dropped, or renamed, and then its rows live on
     * under a name this snapshot does not read. Forgetting it would leave the renamed table with only the
     * chunks out so far; the snapshot is taken again instead (a resumed one starts over when a table it
     * has still to read is gone).
     */
    private static IllegalStateException gone(String table, SQLException e) {
        return new SnapshotWindows.TableRewritten(table + " no longer exists under that name (dropped or renamed while the "
                + "snapshot read it: " + e.getMessage() + "); the snapshot is taken again.", e);
    }

    private void fail(Throwable e) {
        if (closing) {
            return;
        }
        failure = e instanceof RuntimeException r ? r : new IllegalStateException("Snapshot failed: " + e.getMessage(), e);
        onData.run();
    }

    @Override
    public void close() {
        closing = true;
        coordinator.interrupt();
        threads.forEach(Thread::interrupt);
        synchronized (resources) {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    LOG.debug("Closing a snapshot resource: {}", e.getMessage());
                }
            }
        }
        weights.close();
    }
}
