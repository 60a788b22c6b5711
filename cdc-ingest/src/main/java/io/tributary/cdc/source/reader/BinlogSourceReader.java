package io.tributary.cdc.source.reader;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.tributary.cdc.debezium.DebeziumProperties;
import io.tributary.cdc.debezium.EngineStateRegistry;
import io.tributary.cdc.debezium.RecordConverter;
import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.TableControl;
import io.tributary.cdc.source.split.BinlogSplit;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs embedded Debezium on its own thread and hands its records to Flink through a bounded
 * queue (a full queue blocks Debezium: back-pressure, not memory growth). The checkpointed
 * offset is the one of the last record handed to Flink, so a restore resumes right after it.
 */
public final class BinlogSourceReader implements SourceReader<ChangeEvent, BinlogSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogSourceReader.class);
    private static final int MAX_RECORDS_PER_POLL = 1024;

    private final MySqlSourceConfig config;
    private final SourceReaderContext context;
    private final BlockingQueue<QueuedRecord> queue;
    private final RecordConverter converter;
    /** Builds the rows' schema of a table a CREATE or ALTER TABLE left, for the sink to apply at the statement. */
    private final io.tributary.cdc.debezium.DebeziumTables schemaBuilder;
    private final String engineId = UUID.randomUUID().toString();
    private final JsonConverter offsetConverter = new JsonConverter();
    private final ParkedTables parked;
    private final DdlBarrier ddlBarrier;
    private final SnapshotProgress snapshotProgress;
    /** Whether a chunked snapshot's checkpoints keep its unfinished tables, so a restart resumes it. */
    private final boolean resumableSnapshot;
    /** Tables the locking snapshot has begun (its begin went out before their first row). */
    private final java.util.Set<String> lockingBegun = new java.util.HashSet<>();

    private volatile CompletableFuture<Void> available = new CompletableFuture<>();
    private volatile boolean closing;
    private EngineStateRegistry.EngineState engineState;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService executor;
    private BinlogSplit split;
    private BinlogNumbering.Reading reading;
    private Map<String, ?> lastPartition;
    private Map<String, ?> lastOffset;
    /** The locking snapshot while it runs; binlog records wait in the queue until it ends. */
    private volatile ParallelSnapshot snapshot;
    /** The chunk engine's snapshot while it runs; binlog records pass through its reconciliation. */
    private volatile io.tributary.cdc.source.snapshot.ChunkedSnapshot chunked;
    /** Where the binlog handed on stands: the start of the last record's transaction, or a heartbeat's position. */
    private io.tributary.cdc.event.SourcePosition cursor;
    /** After a restart right after a chunked snapshot: its chunks the binlog had not passed yet, or null. */
    private io.tributary.cdc.source.snapshot.SnapshotTail tail;
    /** The tail's placement of character keys (a connection of its own, opened only if such a key changes). */
    private io.tributary.cdc.source.snapshot.KeyWeights tailWeights;
    /** The snapshot's position P after it ended, until the binlog reaches it: records before P are in it already. */
    private io.tributary.cdc.event.SourcePosition streamFrom;
    /** The resync the running engine ({@link #chunked} or, without GTIDs, {@link #snapshot}) serves, or null. */
    private volatile ParkedTables.Request resync;
    /**
     * Tables the configuration captures and the checkpoint's did not, read before they count as captured
     * ({@link #heldWhole}); null when there are none left. {@link #backfilling} while an engine reads them.
     */
    private List<String> backfill;
    private volatile boolean backfilling;
    /** The capture filter whose tables ClickHouse holds whole, as the checkpoint keeps it. */
    private io.tributary.cdc.source.CaptureFilter heldWhole;
    /** Rows the running resync handed out. */
    private long resyncRows;
    /** Continuous verification, or null when it is off. */
    private final io.tributary.cdc.source.verify.ChunkVerifier verifier;
    /** A snapshot, resync, backfill or snapshot tail is running: the verifier waits (read off the task thread). */
    private volatile boolean rereading = true;

    public BinlogSourceReader(MySqlSourceConfig config, SourceReaderContext context,
                              java.util.Set<String> replacedImageTables, TableControl control, boolean ddlBarrier) {
        this(config, context, replacedImageTables, control, ddlBarrier, true);
    }

    /**
     * {@code resumableSnapshot}: a restart continues an unfinished chunked snapshot instead of taking it again
     * (off when an operator downstream keeps state a partial re-read cannot correct: enrichments).
     */
    public BinlogSourceReader(MySqlSourceConfig config, SourceReaderContext context,
                              java.util.Set<String> replacedImageTables, TableControl control, boolean ddlBarrier,
                              boolean resumableSnapshot) {
        this(config, context, replacedImageTables, control, ddlBarrier, resumableSnapshot,
                io.tributary.cdc.source.verify.ClickHouseChecksums.NONE, null);
    }

    /**
     * {@code checksums} and {@code verify}: the target's side of continuous verification and its settings; it runs
     * when both are given and its rate is above 0.
     */
    public BinlogSourceReader(MySqlSourceConfig config, SourceReaderContext context,
                              java.util.Set<String> replacedImageTables, TableControl control, boolean ddlBarrier,
                              boolean resumableSnapshot, io.tributary.cdc.source.verify.ClickHouseChecksums checksums,
                              io.tributary.cdc.source.verify.ChunkVerifier.Settings verify) {
        this.resumableSnapshot = resumableSnapshot;
        this.config = config;
        this.context = context;
        this.converter = new RecordConverter(replacedImageTables);
        this.schemaBuilder = new io.tributary.cdc.debezium.DebeziumTables(config);
        converter.tableSchemasFrom(schemaBuilder::valueSchema);
        this.parked = new ParkedTables(control, this::wakeUp);
        this.ddlBarrier = ddlBarrier ? new DdlBarrier(this::wakeUp) : null;
        this.snapshotProgress = new SnapshotProgress(config);
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        offsetConverter.configure(Map.of("schemas.enable", "false"), true);
        this.verifier = verify == null || !verify.enabled() || checksums == io.tributary.cdc.source.verify.ClickHouseChecksums.NONE
                ? null : new io.tributary.cdc.source.verify.ChunkVerifier(config, checksums, verify, verifierSide());
    }

    /** What the verifier may ask of this reader, from its own thread. */
    private io.tributary.cdc.source.verify.ChunkVerifier.Reader verifierSide() {
        return new io.tributary.cdc.source.verify.ChunkVerifier.Reader() {
            @Override
            public boolean streaming(String table) {
                return !rereading && !parked.resyncing() && !parked.isParked(table);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> repair(String table,
                                                                       io.tributary.cdc.event.SnapshotScope scope,
                                                                       String why) {
                return parked.requestRepair(table, scope, why);
            }
        };
    }

    /**
     * A record from Debezium: a row change, or only a position (DDL, heartbeat), or a failure; a row
     * that cannot be converted names its table in {@code failedTable}, which is parked.
     */
    private record QueuedRecord(ChangeEvent event, Map<String, ?> partition, Map<String, ?> offset, Throwable failure,
                                String failedTable, String gtid, io.tributary.cdc.debezium.PartialRowChange partial) {
        QueuedRecord(ChangeEvent event, Map<String, ?> partition, Map<String, ?> offset, Throwable failure) {
            this(event, partition, offset, failure, null, null, null);
        }
    }

    @Override
    public void start() {}

    /**
     * The MySQL driver turns DATETIME values into java.sql.Timestamp in the JVM's default zone while
     * snapshotting: a wall-clock time inside a DST gap (2021-03-28 02:30 in Europe/Berlin) would come
     * out an hour later. In UTC no such time exists, so the digits stay MySQL's.
     */
    static void requireUtcDefaultZone() {
        java.util.TimeZone zone = java.util.TimeZone.getDefault();
        if (zone.getRawOffset() != 0 || zone.useDaylightTime()) {
            throw new IllegalStateException("This JVM's default time zone is " + zone.getID() + "; Tributary's MySQL "
                    + "reader needs UTC so that DATETIME values are never shifted by daylight-saving rules. Start the "
                    + "JVM with -Duser.timezone=UTC (on a Flink cluster: env.java.opts.all: -Duser.timezone=UTC).");
        }
    }

    @Override
    public void addSplits(List<BinlogSplit> splits) {
        if (splits.size() != 1 || split != null) {
            throw new IllegalStateException("a MySQL source reader reads exactly one binlog split, got " + splits);
        }
        split = splits.get(0);
        requireUtcDefaultZone();
        if (!split.unfinishedSnapshot().isEmpty() && !canResume(split)) {
            split = new BinlogSplit(null, null, List.of(), split.resyncs(), split.serverUuid(), split.epoch(),
                    List.of(), List.of());
        }
        reading = BinlogNumbering.resume(config, split);
        converter.useEpoch(reading.epoch());
        parked.restore(split.resyncs());
        heldWhole = config.captureFilter();
        if (split.offsetValue() != null && split.captured() != null && !split.captured().equals(heldWhole)) {
            List<String> added = addedTables(split.captured());
            if (!added.isEmpty()) {
                backfill = added;
                heldWhole = split.captured(); // until they are read: a restart before that reads them again
                LOG.info("The configuration captures {} table(s) the last run did not: {}; they are read first (the "
                        + "others are not read again), then stream", added.size(), added);
            }
        }
        engineState = new EngineStateRegistry.EngineState(split.offsetKey(), split.offsetValue(), historyWithAdded());
        engineState.onPartialChange(this::enqueuePartialChange);
        EngineStateRegistry.register(engineId, engineState);
        LOG.info("Starting Debezium for {} from {}", config,
                split.offsetValue() == null ? "a new snapshot" : "offset " + split.offsetValue());
        if (split.offsetValue() == null) {
            startSnapshot();
        } else if (!split.unfinishedSnapshot().isEmpty()) {
            resumeSnapshot();
        }
        if (chunked == null) {
            startBackfill();
        }
        if (split.offsetValue() != null && !split.snapshotTail().isEmpty()) {
            if (reading.epoch() == split.epoch()) {
                tailWeights = io.tributary.cdc.source.snapshot.KeyWeights.of(config);
                tail = new io.tributary.cdc.source.snapshot.SnapshotTail(split.snapshotTail(), tailWeights);
            } else {
                // The tail's high watermarks are positions in the old server's binlog, meaningless on this one.
                LOG.warn("The server changed within seconds of the snapshot's end: changes of {} committed while its "
                        + "last chunks were read may be applied twice; run './tributary verify' and resync what differs",
                        split.snapshotTail().stream().map(io.tributary.cdc.source.split.BinlogSplit.PendingChunk::table)
                                .distinct().toList());
            }
        }
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumProperties.build(config, engineId, snapshot == null && chunked == null, chunked != null))
                .using((success, message, error) -> {
                    Throwable stopped = error != null ? error : new IllegalStateException("Debezium stopped: " + message);
                    // A resync's or backfill's engine does not hear of it: the failure is the pipeline's, not its tables'.
                    if (snapshot != null && resync == null && !backfilling) {
                        snapshot.debeziumFailed(stopped);
                    }
                    if (chunked != null && !chunked.besideBinlog()) {
                        chunked.debeziumFailed(stopped);
                    }
                    if (!closing) {
                        enqueue(new QueuedRecord(null, null, null, new IllegalStateException(
                                "Debezium stopped" + (message == null ? "" : ": " + message), error)));
                    }
                })
                .notifying(this::handleBatch)
                .build();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "debezium-mysql-" + config.host() + ":" + config.port());
            t.setDaemon(true);
            return t;
        });
        executor.execute(engine);
        if (verifier != null) {
            verifier.start();
        }
    }

    /**
     * The snapshot of a new pipeline: the chunk engine, or the locking reader when asked for or when
     * GTIDs are off; none when Debezium's own snapshot is asked for or there is no table to read yet.
     */
    private void startSnapshot() {
        io.tributary.cdc.source.MySqlSnapshotReader reader = config.snapshotReader();
        if (reader == io.tributary.cdc.source.MySqlSnapshotReader.DEBEZIUM) {
            return;
        }
        java.util.Map<String, Long> estimates;
        String retentionWarning;
        String where = config.host() + ":" + config.port();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl("&connectTimeout=10000"),
                config.user(), config.password())) {
            estimates = io.tributary.cdc.source.MySqlRowEstimates.captured(c, config);
            retentionWarning = binlogRetentionWarning(c, estimates.values().stream().mapToLong(Long::longValue).sum(),
                    where);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot list the tables to snapshot in " + config.databases() + ": "
                    + e.getMessage(), e);
        }
        if (estimates.isEmpty()) {
            return;
        }
        if (retentionWarning != null) {
            LOG.warn(retentionWarning);
        }
        if (reader == io.tributary.cdc.source.MySqlSnapshotReader.CHUNKED && !reading.gtids()) {
            LOG.warn("gtid_mode is not ON at {}:{}: the chunked snapshot's low watermark is a GTID set, so the locking "
                    + "snapshot runs (it needs RELOAD). Set gtid_mode=ON (and enforce_gtid_consistency=ON) to snapshot "
                    + "without locks.", config.host(), config.port());
            reader = io.tributary.cdc.source.MySqlSnapshotReader.LOCKING;
        }
        if (reader == io.tributary.cdc.source.MySqlSnapshotReader.CHUNKED) {
            chunked = new io.tributary.cdc.source.snapshot.ChunkedSnapshot(config, converter, reading.epoch(),
                    this::wakeUp);
        } else {
            snapshot = new ParallelSnapshot(config, converter, this::wakeUp);
        }
    }

    /**
     * Whether the unfinished snapshot {@code restored} keeps can continue: resuming is on, and every table it
     * has still to read is there under its name (one renamed or dropped while the pipeline was down may have
     * taken rows of chunks done before elsewhere). Otherwise the snapshot starts over, as a new pipeline's.
     */
    private boolean canResume(BinlogSplit restored) {
        String why;
        if (!resumableSnapshot) {
            why = "resuming a snapshot is off for this pipeline (it has enrichments, whose state a partial re-read "
                    + "cannot correct)";
        } else {
            java.util.Set<String> captured;
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl("&connectTimeout=10000"),
                    config.user(), config.password())) {
                captured = io.tributary.cdc.source.MySqlRowEstimates.captured(c, config).keySet();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("Cannot list the tables to snapshot in " + config.databases() + ": "
                        + e.getMessage(), e);
            }
            List<String> gone = restored.unfinishedSnapshot().stream().map(BinlogSplit.UnfinishedTable::table)
                    .filter(t -> !captured.contains(t)).toList();
            if (gone.isEmpty()) {
                return true;
            }
            why = gone + " (still to be read) no longer exist under that name";
        }
        LOG.warn("The snapshot the last checkpoint left unfinished ({} table(s)) starts over: {}",
                restored.unfinishedSnapshot().size(), why);
        return false;
    }

    /** The checkpoint's schema history, with the structure of the tables to backfill, which Debezium did not keep. */
    private List<String> historyWithAdded() {
        if (backfill == null) {
            return split.schemaHistory();
        }
        try {
            List<String> history = new java.util.ArrayList<>(split.schemaHistory());
            history.addAll(io.tributary.cdc.debezium.AddedTableSchemas.records(history, config, backfill));
            return history;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot read the structure of " + backfill + ": " + e.getMessage(), e);
        }
    }

    /** The captured base tables that {@code before} did not capture, sorted. */
    private List<String> addedTables(io.tributary.cdc.source.CaptureFilter before) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl("&connectTimeout=10000"),
                config.user(), config.password())) {
            return io.tributary.cdc.source.MySqlRowEstimates.captured(c, config).keySet().stream()
                    .filter(t -> !before.captures(t)).sorted().toList();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot list the tables to capture in " + config.databases() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Starts reading the tables the configuration added, when no other read runs: the chunk engine beside
     * the streaming binlog (GTIDs on), or the locking reader while the binlog waits. True if it started.
     */
    private boolean startBackfill() {
        if (backfill == null || backfilling || snapshot != null || chunked != null || resync != null) {
            return false;
        }
        backfilling = true;
        backfill.forEach(t -> {
            snapshotProgress.startsOver(t);
            lockingBegun.remove(t);
        });
        if (reading.gtids()) {
            chunked = io.tributary.cdc.source.snapshot.ChunkedSnapshot.backfill(config, backfill, converter,
                    reading.epoch(), this::wakeUp);
        } else {
            LOG.info("gtid_mode is not ON: the locking snapshot reads {} while the binlog waits (it needs RELOAD)",
                    backfill);
            snapshot = new ParallelSnapshot(config.onlyTables(backfill), converter, this::wakeUp);
            snapshot.debeziumStarted();
        }
        return true;
    }

    /**
     * The added tables are read: they count as captured from now on. The locking reader's rows hold every
     * change before its position P: the tables' binlog rows before P are skipped.
     */
    private void finishBackfill(io.tributary.cdc.event.SourcePosition at, boolean locking) {
        List<String> done = backfill;
        closeReread();
        if (locking) {
            done.forEach(t -> parked.readAt(t, converter.inEpoch(at)));
        }
        backfill = null;
        heldWhole = config.captureFilter();
        LOG.info("Backfill of {} done, rows versioned at {}; they stream from here on", done, at);
    }

    /**
     * The backfill's read failed. A table truncated, dropped or renamed under it: read again. Anything else:
     * its tables are parked with the cause (a restart would fail the same way), to be resynced once fixed.
     */
    private void failBackfill(RuntimeException failure, Map<String, ?> at) {
        List<String> tables = backfill;
        closeReread();
        if (failure instanceof io.tributary.cdc.source.snapshot.SnapshotWindows.TableRewritten) {
            LOG.info("Backfill of {} starts again: {}", tables, failure.getMessage());
            return;
        }
        if (!parked.canPark()) {
            throw SourceFailures.classify(failure, lastOffset, split == null ? null : split.offsetValue());
        }
        for (String t : tables) {
            parked.park(t, at, new IllegalStateException("Reading " + t + " (added to the configuration) failed: "
                    + failure.getMessage(), failure));
        }
        backfill = null;
        heldWhole = config.captureFilter();
    }

    /** Continues the chunked snapshot of the checkpoint, from its binlog offset. */
    private void resumeSnapshot() {
        List<BinlogSplit.UnfinishedTable> unfinished = split.unfinishedSnapshot();
        if (!reading.gtids()) {
            throw new org.apache.flink.runtime.execution.SuppressRestartsException(new IllegalStateException(
                    "gtid_mode is no longer ON at " + config.host() + ":" + config.port() + ", and the snapshot "
                    + "without locks the last checkpoint continues needs it (its low watermarks are GTID sets). Set "
                    + "gtid_mode=ON again (SET PERSIST gtid_mode=ON_PERMISSIVE; SET PERSIST gtid_mode=ON), or start "
                    + "the pipeline afresh (remove its checkpoints) to take the snapshot with locks."));
        }
        if (reading.epoch() != split.epoch()) {
            // Chunks done on the old server were read there: every unfinished table is read again whole here.
            LOG.warn("The server changed while a snapshot was unfinished: its {} unfinished table(s) are read again "
                    + "whole", unfinished.size());
            unfinished = unfinished.stream().map(u -> BinlogSplit.UnfinishedTable.whole(u.table())).toList();
        }
        chunked = new io.tributary.cdc.source.snapshot.ChunkedSnapshot(config, converter, reading.epoch(),
                this::wakeUp, unfinished);
    }

    /** The binlog must outlive the snapshot (and the restarts after it): why it may not, or null. */
    private static String binlogRetentionWarning(java.sql.Connection c, long rows, String where) {
        try {
            return io.tributary.cdc.source.BinlogRetention.read(c).warning(rows, where);
        } catch (java.sql.SQLException e) {
            return "Cannot read how long MySQL at " + where + " keeps its binlog, so whether it outlives the snapshot "
                    + "is unknown: " + e.getMessage();
        }
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        ParallelSnapshot running = snapshot;
        if (running != null) {
            running.debeziumStarted();
        }
        io.tributary.cdc.source.snapshot.ChunkedSnapshot chunks = chunked;
        if (chunks != null) {
            chunks.debeziumStarted();
        }
        for (RecordChangeEvent<SourceRecord> r : records) {
            SourceRecord record = r.record();
            ChangeEvent event;
            try {
                event = converter.convert(record);
            } catch (RuntimeException e) {
                String table = parked.canPark() ? ParkedTables.tableOf(record) : null;
                if (table == null) {
                    LOG.error("Cannot convert {}", record, e);
                    enqueue(new QueuedRecord(null, null, null, e));
                    return;
                }
                queue.put(new QueuedRecord(null, record.sourcePartition(), record.sourceOffset(), e, table, null, null));
                available.complete(null);
                committer.markProcessed(r);
                continue;
            }
            // Every change carries its GTID, also while no snapshot runs: a resync may start with it still queued, and
            // its windows must tell which changes its reads hold (ParkAndResyncIT lost a delete when only the changes
            // queued after the resync began had theirs: an older update without one was applied over the rows).
            queue.put(new QueuedRecord(event, record.sourcePartition(), record.sourceOffset(), null, null,
                    event != null ? gtidOf(record) : null, null));
            available.complete(null);
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
    }

    /** The GTID of the transaction a change record comes from (its source block), or null. */
    private static String gtidOf(SourceRecord record) {
        if (record.value() instanceof org.apache.kafka.connect.data.Struct value
                && value.schema().field("source") != null) {
            org.apache.kafka.connect.data.Struct source = value.getStruct("source");
            if (source != null && source.schema().field("gtid") != null) {
                return source.getString("gtid");
            }
        }
        return null;
    }

    private void enqueue(QueuedRecord record) {
        try {
            queue.put(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        available.complete(null);
    }

    /**
     * From the binlog client's thread, before it reads the next event: the table is parked before any
     * later record can be handed on (the queue keeps the order), so no checkpoint can pass the change
     * without the park.
     */
    private void enqueuePartialChange(io.tributary.cdc.debezium.PartialRowChange change) {
        if (!config.captures(change.database(), change.table())) {
            return;
        }
        QueuedRecord record = new QueuedRecord(null, null, null, null, null, null, change);
        try {
            while (!closing && !queue.offer(record, 200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                // full: the reader drains it, or the reader is closing
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        available.complete(null);
    }

    /** A change without whole rows: its table is parked from here on (or, with nowhere to park, the pipeline stops). */
    private void parkPartial(io.tributary.cdc.debezium.PartialRowChange change,
                             io.tributary.cdc.source.snapshot.SnapshotWindows windows) {
        if (streamFrom != null && io.tributary.cdc.event.SourcePosition.snapshot(change.file(), change.position())
                .compareTo(streamFrom) < 0) {
            return; // before the snapshot's read views: the rows read hold its result already
        }
        IllegalStateException why = new IllegalStateException(change.message());
        if (!parked.canPark()) {
            throw new org.apache.flink.runtime.execution.SuppressRestartsException(why);
        }
        if (windows != null) {
            windows.forget(change.qualifiedTable());
        }
        parked.park(change.qualifiedTable(), change.file() + ":" + change.position(), why);
        endResyncOf(change.qualifiedTable());
    }

    /**
     * Whether the windows withhold a change of a table being read. A resync or backfill whose table was
     * truncated, dropped or renamed under it starts again (the first snapshot is taken again by a restart).
     */
    private boolean withheld(io.tributary.cdc.source.snapshot.SnapshotWindows windows, QueuedRecord r,
                             io.tributary.cdc.event.SourcePosition at) {
        try {
            return windows.change(r.event(), r.gtid(), at)
                    == io.tributary.cdc.source.snapshot.SnapshotWindows.Decision.WITHHELD;
        } catch (io.tributary.cdc.source.snapshot.SnapshotWindows.TableRewritten e) {
            if (backfilling) {
                failBackfill(e, null);
                return false; // read again from the start, its changes withheld again from then on
            }
            if (resync == null) {
                throw e;
            }
            closeReread();
            parked.resyncAgain(e.getMessage());
            return false; // the table's changes are skipped again until its resync starts over
        }
    }

    /** Parks {@code table} (a row that cannot be converted), which ends its read if one runs. */
    private void park(String table, Map<String, ?> offset, Throwable failure,
                      io.tributary.cdc.source.snapshot.SnapshotWindows windows) {
        if (windows != null) {
            windows.forget(table);
        }
        parked.park(table, offset, failure);
        endResyncOf(table);
    }

    /** The running resync of {@code table}, if any, ends: the table was parked again. */
    private void endResyncOf(String table) {
        if (resync != null && resync.table().equals(table)) {
            closeReread();
        }
    }

    /**
     * Starts the next requested resync, when the first snapshot is done and none runs: the chunk engine
     * re-reads the table while the binlog streams (GTIDs on), or, without GTIDs, the locking reader reads
     * it while the binlog waits. True if one started.
     */
    private boolean startRequestedResync() {
        if (snapshot != null || resync != null || backfilling) {
            return false;
        }
        ParkedTables.Request request = parked.startRequestedResync();
        if (request == null) {
            return false;
        }
        resync = request;
        resyncRows = 0;
        snapshotProgress.startsOver(request.table());
        lockingBegun.remove(request.table());
        // Under enrichments (no resumable snapshot) a part of a table read again cannot correct their state: whole.
        if (reading.gtids() && request.isRepair() && resumableSnapshot) {
            chunked = io.tributary.cdc.source.snapshot.ChunkedSnapshot.repair(config, request.table(), request.repair(),
                    converter, reading.epoch(), this::wakeUp);
        } else if (reading.gtids()) {
            chunked = io.tributary.cdc.source.snapshot.ChunkedSnapshot.resync(config, request.table(), converter,
                    reading.epoch(), this::wakeUp);
        } else {
            LOG.info("Resync of {}: gtid_mode is not ON, so the locking snapshot reads it while the binlog waits (it "
                    + "needs RELOAD); with gtid_mode=ON it is read without locks while the binlog streams",
                    request.table());
            snapshot = new ParallelSnapshot(config.onlyTables(List.of(request.table())), converter, this::wakeUp);
            snapshot.debeziumStarted();
        }
        return true;
    }

    /** The resync's read is done: recorded, with the position its rows are versioned at. */
    private void finishResync(io.tributary.cdc.event.SourcePosition at) {
        closeReread();
        parked.resyncFinished(converter.inEpoch(at), resyncRows);
    }

    /** Stops the engine a resync or a backfill reads with. */
    private void closeReread() {
        resync = null;
        backfilling = false;
        if (chunked != null) {
            chunked.close();
            chunked = null;
        }
        if (snapshot != null) {
            snapshot.close();
            snapshot = null;
        }
        wakeUp(); // the binlog may go on
    }

    private void wakeUp() {
        available.complete(null);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ChangeEvent> output) {
        if (ddlBarrier != null && ddlBarrier.holding()) {
            QueuedRecord release = (QueuedRecord) ddlBarrier.poll();
            if (release != null) {
                if (verifier != null) {
                    verifier.sees(release.event(), release.gtid());
                }
                output.collect(release.event(), release.event().sourceTimestampMs());
                lastPartition = release.partition();
                lastOffset = release.offset();
            }
            if (ddlBarrier.holding()) {
                return InputStatus.NOTHING_AVAILABLE;
            }
        }
        // Debezium's own snapshot (snapshot.reader: debezium) marks the offsets of its rows.
        rereading = snapshot != null || chunked != null || tail != null || backfill != null || lastOffset == null
                || lastOffset.get("snapshot") != null && !"false".equals(String.valueOf(lastOffset.get("snapshot")));
        if (verifier != null && rereading) {
            verifier.rereadRunning();
        }
        if (snapshot != null) {
            return emitSnapshot(output);
        }
        io.tributary.cdc.source.snapshot.SnapshotWindows windows = null;
        if (chunked != null) {
            windows = reconcileChunks(output);
            if (windows == null) {
                return InputStatus.NOTHING_AVAILABLE; // the tables to read are not registered yet: the binlog waits
            }
        }
        if (chunked == null && (startBackfill() || startRequestedResync())) {
            return InputStatus.MORE_AVAILABLE;
        }
        for (int i = 0; i < MAX_RECORDS_PER_POLL; i++) {
            QueuedRecord r = queue.poll();
            if (r == null) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            if (r.partial() != null) {
                parkPartial(r.partial(), windows);
                continue;
            }
            if (streamFrom != null && r.failure() == null) {
                if (beforeSnapshot(r)) {
                    continue; // the snapshot's read views hold this change already
                }
                streamFrom = null;
            }
            if (r.failedTable() != null) {
                park(r.failedTable(), r.offset(), r.failure(), windows);
            } else if (r.failure() != null) {
                throw SourceFailures.classify(r.failure(), lastOffset, split == null ? null : split.offsetValue());
            }
            if (tail != null) {
                io.tributary.cdc.event.SourcePosition at = restartPosition(r.offset());
                if (at != null) {
                    tail.passed(at);
                    if (r.event() != null && tail.withholds(r.event(), at)) {
                        lastPartition = r.partition();
                        lastOffset = r.offset();
                        continue; // in the rows the snapshot handed out before this restart
                    }
                    if (tail.isEmpty()) {
                        tail = null;
                        tailWeights.close();
                    }
                }
            }
            if (windows != null) {
                io.tributary.cdc.event.SourcePosition at = restartPosition(r.offset());
                if (at != null) {
                    cursor = at;
                    emitRows(output, windows.handOut(at)); // chunks whose high watermark this record is past
                }
                if (r.event() != null && at != null && windows.isReading(r.event().qualifiedTable())
                        && withheld(windows, r, at)) {
                    lastPartition = r.partition();
                    lastOffset = r.offset();
                    continue;
                }
            }
            if (r.event() != null && ddlBarrier != null && DdlBarrier.needed(r.event())) {
                ddlBarrier.hold(r);
                return InputStatus.NOTHING_AVAILABLE;
            }
            if (verifier != null && verifier.wantsPositions()) {
                io.tributary.cdc.event.SourcePosition at = restartPosition(r.offset());
                if (at != null) {
                    verifier.passed(at);
                }
            }
            if (r.event() != null && parked.passes(r.event())) {
                if (verifier != null) {
                    verifier.sees(r.event(), r.gtid());
                }
                output.collect(r.event(), r.event().sourceTimestampMs());
                if (r.event().op() == ChangeEvent.Op.SNAPSHOT) {
                    snapshotProgress.snapshotRow(r.event().qualifiedTable());
                }
            }
            lastPartition = r.partition();
            lastOffset = r.offset();
        }
        return queue.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
    }

    /**
     * Chunk reads that came back meet the binlog; chunks to read again go back to the readers; rows that
     * may go out go out. Null while the tables to read are not registered yet.
     */
    private io.tributary.cdc.source.snapshot.SnapshotWindows reconcileChunks(ReaderOutput<ChangeEvent> output) {
        io.tributary.cdc.source.snapshot.ChunkedSnapshot engine = chunked;
        if (engine.failure() != null && resync != null) {
            failResync(engine.failure(), engine.positionOffset());
            return null;
        }
        if (engine.failure() != null && backfilling) {
            failBackfill(engine.failure(), engine.positionOffset());
            return null;
        }
        if (engine.failure() != null) {
            // Debezium's own failure reaches the engine too (its binlog reader stopped): classified like any
            // source failure, so one that no restart can cure stops for good instead of restarting once more
            // (seen in the full suite: a failure right after a snapshot restarted the job once before it stopped).
            throw SourceFailures.classify(engine.failure(), lastOffset, split == null ? null : split.offsetValue());
        }
        io.tributary.cdc.source.snapshot.SnapshotWindows windows = engine.windows();
        if (windows == null) {
            return null;
        }
        for (io.tributary.cdc.source.snapshot.ChunkResult r; (r = engine.poll()) != null; ) {
            if (r.failure() != null) {
                if (!parked.canPark()) {
                    throw r.failure();
                }
                park(r.chunk().table(), engine.positionOffset(), r.failure(), windows);
                if (chunked == null) {
                    return null; // the resync's table: its read ended
                }
                continue;
            }
            windows.read(r);
        }
        engine.readAgain(windows.takeReadAgain());
        for (String[] given : windows.takeGivenUp()) {
            IllegalStateException why = new IllegalStateException("The table " + given[0] + " has no primary key and was "
                    + "changed during each of " + given[1] + " reads of the snapshot, so no read can be matched with the "
                    + "binlog exactly. Add a primary key (ALTER TABLE " + given[0] + " ADD PRIMARY KEY ...), or resync it "
                    + "at a quieter time, or snapshot with source.mysql.snapshot.reader: locking.");
            if (!parked.canPark()) {
                throw new org.apache.flink.runtime.execution.SuppressRestartsException(why);
            }
            park(given[0], engine.positionOffset(), why, windows);
            if (chunked == null) {
                return null;
            }
        }
        emitRows(output, windows.handOut(cursor));
        if (windows.finished() && resync != null) {
            LOG.info("Resync of {}: {} chunk(s) read without locks in {} ms", resync.table(), engine.chunksRead(),
                    System.currentTimeMillis() - engine.startedAtMs());
            finishResync(engine.position());
            return windows;
        }
        if (windows.finished() && backfilling) {
            LOG.info("Backfill: {} chunk(s) read without locks in {} ms", engine.chunksRead(),
                    System.currentTimeMillis() - engine.startedAtMs());
            finishBackfill(engine.position(), false);
            return windows;
        }
        if (windows.finished()) {
            LOG.info("Snapshot of {} chunk(s) read without locks in {} ms{}; rows versioned at {}", engine.chunksRead(),
                    System.currentTimeMillis() - engine.startedAtMs(), engine.chunksSkipped() == 0 ? ""
                            : " (resumed: " + engine.chunksSkipped() + " chunk(s) done before the restart skipped)",
                    engine.position());
            engine.close();
            chunked = null;
        }
        return windows;
    }

    private void emitRows(ReaderOutput<ChangeEvent> output, List<ChangeEvent> rows) {
        for (ChangeEvent event : rows) {
            if (parked.passes(event)) {
                output.collect(event, event.sourceTimestampMs());
                if (event.op() == ChangeEvent.Op.SNAPSHOT) {
                    snapshotProgress.snapshotRow(event.qualifiedTable());
                    if (resync != null) {
                        resyncRows++;
                    }
                } else if (event.op() == ChangeEvent.Op.SNAPSHOT_BEGIN && chunked != null) {
                    // A table a resumed snapshot reads in part: its progress counts against that part.
                    snapshotProgress.readsPart(event.qualifiedTable(), chunked.shareLeft(event.qualifiedTable()));
                }
            }
        }
    }

    /** The start of the transaction a record belongs to ({@code file}, {@code pos} of its offset), or null. */
    private static io.tributary.cdc.event.SourcePosition restartPosition(Map<String, ?> offset) {
        if (offset == null || !(offset.get("file") instanceof String file) || !(offset.get("pos") instanceof Number pos)) {
            return null;
        }
        return io.tributary.cdc.event.SourcePosition.snapshot(file, pos.longValue());
    }

    /** Snapshot rows, handed out before any binlog record; at its end the binlog resumes from P. */
    private InputStatus emitSnapshot(ReaderOutput<ChangeEvent> output) {
        for (int i = 0; i < 8; i++) {
            ParallelSnapshot.Batch batch = snapshot.poll();
            if (batch == null) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            if (batch.failure() != null && resync != null) {
                failResync(batch.failure(), snapshot.positionOffset());
                return InputStatus.MORE_AVAILABLE;
            }
            if (batch.failure() != null && backfilling) {
                failBackfill(batch.failure(), snapshot.positionOffset());
                return InputStatus.MORE_AVAILABLE;
            }
            if (batch.failure() != null) {
                if (batch.failedTable() == null || !parked.canPark()) {
                    throw SourceFailures.classify(batch.failure(), lastOffset, split == null ? null : split.offsetValue());
                }
                parked.park(batch.failedTable(), snapshot.positionOffset(), batch.failure());
                continue;
            }
            if (batch.last() && resync != null) {
                finishResync(snapshot.position()); // the binlog goes on: the table's rows before it are skipped
                return InputStatus.MORE_AVAILABLE;
            }
            if (batch.last() && backfilling) {
                finishBackfill(snapshot.position(), true);
                return InputStatus.MORE_AVAILABLE;
            }
            if (batch.last()) {
                streamFrom = snapshot.position();
                snapshot.close();
                snapshot = null;
                return InputStatus.MORE_AVAILABLE;
            }
            List<ChangeEvent> rows = batch.rows();
            if (!rows.isEmpty() && lockingBegun.add(rows.get(0).qualifiedTable())
                    && rows.get(0).op() == ChangeEvent.Op.SNAPSHOT) {
                ChangeEvent first = rows.get(0); // a batch holds rows of one slice of one table
                emitRows(output, List.of(ChangeEvent.snapshotBegin(first.database(), first.table(), first.position(),
                        first.sourceTimestampMs(), io.tributary.cdc.event.SnapshotScope.whole())));
            }
            emitRows(output, rows);
        }
        return InputStatus.MORE_AVAILABLE;
    }

    /**
     * The resync's read failed: the table is parked with the cause (its rows are skipped again, the others
     * flow) and the operator resyncs it once the cause is fixed; a restart would only fail the same way.
     */
    private void failResync(RuntimeException failure, Map<String, ?> at) {
        String table = resync.table();
        closeReread();
        if (failure instanceof io.tributary.cdc.source.snapshot.SnapshotWindows.TableRewritten) {
            parked.resyncAgain(failure.getMessage());
            return;
        }
        parked.park(table, at, new IllegalStateException("The resync of " + table + " failed: " + failure.getMessage(),
                failure));
    }

    /**
     * A binlog record from before the snapshot's position P (Debezium started streaming at P', at or
     * before P): its change is in the snapshot. A schema change there cannot be placed against rows
     * read at P, so the snapshot is taken again (the checkpointed position is still "new pipeline").
     */
    private boolean beforeSnapshot(QueuedRecord r) {
        Map<String, ?> offset = r.offset();
        if (offset == null) {
            return false;
        }
        Object snapshotFlag = offset.get("snapshot");
        boolean before = snapshotFlag != null && !"false".equals(snapshotFlag.toString());
        if (!before && offset.get("file") != null && offset.get("pos") != null) {
            before = io.tributary.cdc.event.SourcePosition.snapshot((String) offset.get("file"),
                    ((Number) offset.get("pos")).longValue()).compareTo(streamFrom) < 0;
        }
        if (before && r.event() != null && r.event().op() == ChangeEvent.Op.DDL) {
            throw new IllegalStateException("A schema change (" + r.event().ddl() + ") ran on a captured database while "
                    + "the snapshot opened its read views at " + streamFrom + "; the snapshot is taken again.");
        }
        return before;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (ddlBarrier != null && ddlBarrier.holding()) {
            return ddlBarrier.released() ? CompletableFuture.completedFuture(null) : pendingAvailability();
        }
        if (readyNow()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> current = pendingAvailability();
        if (readyNow()) {
            current.complete(null);
        }
        return current;
    }

    /** Rows of a running resync, or else binlog records or a resync to start. */
    private boolean readyNow() {
        if (snapshot != null) {
            return snapshot.hasData();
        }
        io.tributary.cdc.source.snapshot.ChunkedSnapshot engine = chunked;
        if (engine != null && (engine.hasData() || engine.windows() == null)) {
            return engine.hasData();
        }
        return !queue.isEmpty() || (resync == null && engine == null && (parked.resyncRequested() || backfill != null));
    }

    /** Flink may ask twice before waiting: hand out the same pending future until it completes. */
    private CompletableFuture<Void> pendingAvailability() {
        CompletableFuture<Void> current = available;
        if (current.isDone()) {
            current = new CompletableFuture<>();
            available = current;
        }
        return current;
    }

    @Override
    public List<BinlogSplit> snapshotState(long checkpointId) {
        if (verifier != null) {
            verifier.checkpointTaken(checkpointId);
        }
        if (ddlBarrier != null) {
            ddlBarrier.checkpointTaken(checkpointId);
        }
        if (split == null) {
            return List.of();
        }
        String key = split.offsetKey();
        String value = split.offsetValue();
        // While the chunked snapshot has chunks to read or hand out, a checkpoint keeps the binlog offset with the
        // tables it has still to read (a restart resumes them: only the chunks not handed out of a table keyed by
        // integers), or, when resuming is off, says "new pipeline" so that a restart takes the snapshot again. Once
        // all are out, it keeps the offset and the chunks whose high watermark the binlog has not reached (a stop
        // right after a snapshot of a quiet database must not take it again: ServerSwitchIT, FailoverIT).
        List<io.tributary.cdc.source.split.BinlogSplit.PendingChunk> pending =
                tail == null ? List.of() : tail.pending();
        List<BinlogSplit.UnfinishedTable> unfinished = List.of();
        boolean streaming = lastOffset != null;
        io.tributary.cdc.source.snapshot.ChunkedSnapshot engine = chunked;
        // A resync keeps nothing of its read: its request stays open until a checkpoint after its end holds it, so a
        // restart before that reads the table again from the start (its changes are skipped until then).
        if (engine != null && !engine.besideBinlog()) {
            io.tributary.cdc.source.snapshot.SnapshotWindows windows = engine.windows();
            io.tributary.cdc.source.snapshot.SnapshotWindows.Kept kept =
                    windows == null ? null : windows.checkpoint(cursor, resumableSnapshot);
            if (kept != null) {
                pending = new java.util.ArrayList<>(pending);
                pending.addAll(kept.tail());
                unfinished = kept.unfinished();
            } else if (value != null) {
                unfinished = split.unfinishedSnapshot(); // resumed, its tables not registered yet: as restored
            } else {
                streaming = false;
            }
            if (!streaming && value == null) {
                pending = List.of();
                unfinished = List.of();
            }
        }
        if (streaming) {
            key = new String(offsetConverter.fromConnectData(DebeziumProperties.ENGINE_NAME, null,
                    Arrays.asList(DebeziumProperties.ENGINE_NAME, lastPartition)), StandardCharsets.UTF_8);
            value = new String(offsetConverter.fromConnectData(DebeziumProperties.ENGINE_NAME, null, lastOffset),
                    StandardCharsets.UTF_8);
        }
        return List.of(new BinlogSplit(key, value, engineState.history(), parked.resyncsForCheckpoint(checkpointId),
                reading.serverUuid(), reading.epoch(), pending, unfinished, heldWhole));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        parked.checkpointCompleted(checkpointId);
        if (verifier != null) {
            verifier.checkpointCompleted(checkpointId);
        }
        if (ddlBarrier != null) {
            ddlBarrier.checkpointCompleted(checkpointId);
        }
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() throws Exception {
        closing = true;
        if (verifier != null) {
            verifier.close();
        }
        parked.close();
        if (snapshot != null) {
            snapshot.close();
        }
        if (chunked != null) {
            chunked.close();
        }
        if (tailWeights != null) {
            tailWeights.close();
        }
        if (engine != null) {
            try {
                engine.close();
            } catch (IllegalStateException alreadyStopped) {
                // The engine stops itself when it fails (e.g. MySQL went away); the task is being torn down for
                // that failure. Throwing here would make Flink fail the whole TaskManager instead of restarting.
                LOG.debug("Debezium engine was already stopped: {}", alreadyStopped.getMessage());
            }
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        schemaBuilder.close();
        EngineStateRegistry.unregister(engineId);
    }
}
