package io.tributary.sink.clickhouse.sink.writer;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import io.tributary.cdc.source.TableControl;
import io.tributary.sink.clickhouse.client.ClickHouseException;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.StatusTable;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.schema.KeyChangesTable;
import io.tributary.sink.clickhouse.schema.SnapshotsTable;
import io.tributary.sink.clickhouse.schema.TruncationsTable;
import io.tributary.sink.clickhouse.schema.DdlStatements;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers change events per table as TabSeparated rows and inserts them in batches (bounded by
 * row count and time). Creates and evolves the ClickHouse tables from the events' schema.
 * Holds no state across checkpoints: {@link #flush(boolean)} empties every buffer first.
 */
public final class ClickHouseSinkWriter implements SinkWriter<ChangeEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSinkWriter.class);

    private final ClickHouseSinkConfig config;
    private final ClickHouseHttp client;
    private final ProcessingTimeService timers;
    private final Retrier retrier;
    private final Map<String, TableBuffer> buffers = new LinkedHashMap<>();
    private final Map<String, TableSchema> appliedSchemas = new HashMap<>();
    private final Map<String, Long> lastFlushAt = new HashMap<>();
    private final DdlApplier ddl;
    private final KeyTransitions keyTransitions;
    private final TableControl tableControl;
    private int bufferedRows;
    /** Rows for the snapshots status table, stored with the next flush. */
    private final PendingRows snapshotRows;
    /** Rows for the status table, one per table flushed, stored at the end of the flush. */
    private final PendingRows statusRows;
    /** Target databases this writer created (or found): asked for once, not before every new table. */
    private final java.util.Set<String> databases = new java.util.HashSet<>();
    /** Whether this is the one task writing versions tables (the embedded default), so none appears behind its back. */
    private final boolean onlyWriter;
    private RuntimeException timerFailure;

    public ClickHouseSinkWriter(ClickHouseSinkConfig config, java.util.Set<String> viewSources, ProcessingTimeService timers,
                                int subtasks, TableControl tableControl) {
        this.config = config;
        this.onlyWriter = subtasks == 1;
        this.snapshotRows = new PendingRows(SnapshotsTable.qualifiedName(config.statusDatabase()), SnapshotsTable.COLUMNS,
                "recording snapshot begins");
        this.statusRows = new PendingRows(StatusTable.qualifiedName(config.statusDatabase()), StatusTable.COLUMNS,
                "recording the status of the tables flushed");
        this.tableControl = tableControl;
        this.client = config.client();
        this.timers = timers;
        this.retrier = new Retrier(config.maxRetries(), config.retryBackoff());
        this.ddl = new DdlApplier(config, appliedSchemas);
        this.keyTransitions = new KeyTransitions(config, viewSources);
        retrier.run("creating the status table", () -> {
            client.query(TableDdl.createDatabase(config.statusDatabase()));
            client.query(StatusTable.create(config.statusDatabase()));
            client.query(TruncationsTable.create(config.statusDatabase()));
            client.query(KeyChangesTable.create(config.statusDatabase()));
            client.query(SnapshotsTable.create(config.statusDatabase()));
        });
        scheduleFlush();
    }

    private void scheduleFlush() {
        long interval = config.flushInterval().toMillis();
        timers.registerTimer(timers.getCurrentProcessingTime() + interval, time -> {
            try {
                flushAll();
            } catch (RuntimeException e) {
                timerFailure = e;
            }
            scheduleFlush();
        });
    }

    @Override
    public void write(ChangeEvent event, Context context) {
        rethrowTimerFailure();
        if (event.op() == ChangeEvent.Op.TRUNCATE) {
            truncate(event);
            return;
        }
        if (event.op() == ChangeEvent.Op.DDL) {
            applyDdl(event);
            return;
        }
        if (event.op() == ChangeEvent.Op.SNAPSHOT_BEGIN) {
            sweepEarlierVersions(event);
            if (event.schema().hasPrimaryKey()) {
                bufferFor(event); // the table exists from its snapshot on, also when it was read empty
            }
            return;
        }
        bufferFor(event).append(event);
        if (++bufferedRows >= config.batchSize()) {
            flushAll();
        }
    }

    /** The buffer of the event's table in the event's columns; the table is created or altered to them first. */
    private TableBuffer bufferFor(ChangeEvent event) {
        String table = event.qualifiedTable();
        TableBuffer buffer = buffers.get(table);
        if (buffer != null && !buffer.schema.equals(event.schema())) {
            flushTable(buffer);
            buffers.remove(table);
            buffer = null;
        }
        if (buffer == null) {
            buffer = new TableBuffer(new TableNames(config.targetDatabase(event.database()), event.table()),
                    table, event.schema());
            applySchema(buffer, event.position());
            buffers.put(table, buffer);
        }
        return buffer;
    }

    /**
     * Renames and drops: everything buffered before the statement is stored first, in its old shape.
     * Schemas the writer knew for the affected tables are forgotten or moved, so the next rows re-check.
     * A CREATE or ALTER TABLE of a table with a key then takes effect at once, in the columns the statement
     * left ({@link ChangeEvent#schema()}), whether or not rows of the table follow; key changes wait for
     * the rows of the new shape, which {@link KeyTransitions} follows.
     */
    private void applyDdl(ChangeEvent event) {
        List<DdlStatements.Action> actions = DdlStatements.parse(event.database(), event.ddl());
        boolean newShape = !DdlStatements.changesKeyOrDropsTable(actions) && event.schema().hasPrimaryKey()
                && !event.schema().equals(appliedSchemas.get(event.qualifiedTable()));
        if (actions.isEmpty() && !newShape) {
            return;
        }
        flushAll();
        for (DdlStatements.Action action : actions) {
            if (action instanceof DdlStatements.KeyChange key) {
                int dot = key.table().indexOf('.');
                TableNames names = new TableNames(config.targetDatabase(key.table().substring(0, dot)),
                        key.table().substring(dot + 1));
                retrier.run("following '" + event.ddl() + "' at " + event.position(), () -> keyTransitions.keyChanged(
                        names, key.table(), key.dropped(), key.added(), event.position(), event.schema()));
                appliedSchemas.remove(key.table());
            } else {
                retrier.run("applying '" + event.ddl() + "' at " + event.position(), () -> ddl.apply(action));
            }
        }
        buffers.clear();
        if (newShape) {
            LOG.info("{} at {}: ClickHouse takes the table's new columns now", event.qualifiedTable(), event.position());
            applySchema(new TableBuffer(new TableNames(config.targetDatabase(event.database()), event.table()),
                    event.qualifiedTable(), event.schema()), event.position());
        }
    }

    /**
     * TRUNCATE TABLE: rows buffered before it are stored first, then a marker at its position makes the
     * view hide every older version. Replaying it writes the same marker again, which changes nothing.
     */
    private void truncate(ChangeEvent event) {
        TableNames names = new TableNames(config.targetDatabase(event.database()), event.table());
        TableBuffer buffer = buffers.get(event.qualifiedTable());
        if (buffer != null) {
            flushTable(buffer);
        }
        LOG.info("TRUNCATE TABLE {} at {}: older rows leave the view {}", event.qualifiedTable(), event.position(),
                names.view());
        String marker = TruncationsTable.row(names, event.position(), event.sourceTimestampMs());
        retrier.run("recording the truncation of " + event.qualifiedTable(),
                () -> client.insert(TruncationsTable.qualifiedName(config.statusDatabase()),
                        "database, table, version, position, truncated_at", "TabSeparated",
                        marker.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Creates the versions table and view, or follows MySQL's ALTER TABLE before rows of the new shape
     * land: added columns (with MySQL's default for stored rows), changed types and nullability. A
     * dropped column stays in the versions table and leaves the view.
     */
    private void applySchema(TableBuffer buffer, SourcePosition firstRow) {
        if (buffer.schema.equals(appliedSchemas.get(buffer.mysqlTable))) {
            return;
        }
        boolean[] stored = new boolean[1];
        retrier.run("checking the primary key of " + buffer.mysqlTable,
                () -> stored[0] = keyTransitions.beforeVersions(buffer.names, buffer.mysqlTable, buffer.schema, firstRow));
        retrier.run("creating or altering " + buffer.names.versions(), () -> {
            if (!databases.contains(buffer.names.database())) {
                client.query(TableDdl.createDatabase(buffer.names.database()));
                databases.add(buffer.names.database());
            }
            try {
                client.query(TableDdl.createVersionsTable(buffer.names, buffer.mysqlTable, buffer.schema));
            } catch (RuntimeException e) {
                databases.remove(buffer.names.database()); // dropped behind the writer's back: the retry creates it
                throw e;
            }
            if (stored[0] || !onlyWriter) {
                // A table created just now by this writer has the schema's columns; one another task may have
                // created in between, or stored before, is brought to them.
                ColumnSync.sync(client, buffer.names.database(), buffer.names.table() + TableNames.VERSIONS_SUFFIX,
                        buffer.mysqlTable, buffer.schema);
            }
            client.query(TableDdl.createView(buffer.names, buffer.schema, config.statusDatabase()));
        });
        appliedSchemas.put(buffer.mysqlTable, buffer.schema);
    }

    /**
     * A snapshot of a table begins (a first one, one started again after the pipeline stopped before the
     * last completed, a resync, the unfinished chunks of a resumed one): rows an earlier attempt stored in
     * the snapshot's scope may have been deleted in MySQL since, so every version there older than the
     * snapshot goes. Only older versions: safe with parallel writers, which store the snapshot's rows at
     * its position and later changes above it. Outside the scope (chunks a resumed snapshot completed
     * before the restart) nothing is touched. Idempotent, so a replayed begin changes nothing more.
     */
    private void sweepEarlierVersions(ChangeEvent begin) {
        TableBuffer buffer = buffers.get(begin.qualifiedTable());
        if (buffer != null) {
            flushTable(buffer);
        }
        TableNames names = new TableNames(config.targetDatabase(begin.database()), begin.table());
        String older = " WHERE `_version` < " + begin.position().toVersionString() + " AND ("
                + begin.scope().condition(TableNames::quote) + ")";
        retrier.run("removing versions older than the snapshot of " + begin.qualifiedTable(), () -> {
            if (!"1".equals(client.query("EXISTS TABLE " + names.versions()).trim())) {
                return; // nothing stored yet, or a table without a key (its changelog is swept there)
            }
            String count = client.query("SELECT count() FROM " + names.versions() + older).trim();
            if (!"0".equals(count)) {
                LOG.info("Snapshot of {} ({}) at {}: removing {} older versions", begin.qualifiedTable(),
                        begin.scope(), begin.position(), count);
                client.query("ALTER TABLE " + names.versions() + " DELETE" + older + " SETTINGS mutations_sync = 2");
            }
        });
        // Stored with the next flush: one insert for the begins of many tables (a schema of thousands of them).
        snapshotRows.add(SnapshotsTable.row(names, begin.position(), begin.scope(), begin.sourceTimestampMs()));
    }

    @Override
    public void flush(boolean endOfInput) {
        rethrowTimerFailure();
        flushAll();
    }

    private void flushAll() {
        for (TableBuffer buffer : buffers.values()) {
            flushTable(buffer);
        }
        bufferedRows = 0;
        statusRows.store(client, retrier);
        snapshotRows.store(client, retrier);
    }

    private void flushTable(TableBuffer buffer) {
        if (buffer.rows == 0) {
            return;
        }
        byte[] body = buffer.body.toByteArray();
        long started = System.currentTimeMillis();
        try {
            retrier.run("inserting " + buffer.rows + " rows into " + buffer.names.versions(),
                    () -> client.insert(buffer.names.versions(), buffer.columnList, "TabSeparated", body));
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof ClickHouseException refused) || !refused.isRowRejection()
                    || tableControl == TableControl.NONE) {
                throw e;
            }
            park(buffer, refused);
            return;
        }
        long now = System.currentTimeMillis();
        Long previous = lastFlushAt.put(buffer.mysqlTable, now);
        double rate = previous == null ? 0 : buffer.rows * 1000.0 / Math.max(1, now - previous);
        // Stored at the end of the flush (or the next one, for a table flushed alone before a DDL, TRUNCATE or
        // snapshot begin): an insert per table flushed was a fifth of a new table's ClickHouse requests.
        statusRows.add(StatusTable.row(buffer.names, buffer.lastPosition, buffer.lastSourceTs, now, buffer.rows,
                now - started, rate));
        buffer.reset();
    }

    /**
     * ClickHouse refuses this table's rows: park it (the source skips its rows from now on, /status
     * shows why) instead of stopping every table. Its batch is not applied; the resync that
     * un-parks the table re-reads every row from MySQL, so nothing is lost.
     */
    private void park(TableBuffer buffer, ClickHouseException refused) {
        String position = buffer.firstPosition + " .. " + buffer.lastPosition;
        retrier.run("parking " + buffer.mysqlTable, () -> tableControl.park(buffer.mysqlTable, position,
                "ClickHouse refused rows for " + buffer.names.versions() + ": " + refused.getMessage()));
        LOG.error("Table {} is PARKED: ClickHouse refused its rows at {} ({} rows not applied). The other tables keep "
                + "flowing. Fix the cause, then run: ./tributary resync {}", buffer.mysqlTable, position, buffer.rows,
                buffer.mysqlTable, refused);
        buffer.reset();
    }

    private void rethrowTimerFailure() {
        if (timerFailure != null) {
            throw timerFailure;
        }
    }

    @Override
    public void close() {
        // Rows not flushed by a checkpoint are replayed from it on restart; nothing to do here.
    }

    /** Rows of one table waiting for the next insert. */
    private static final class TableBuffer {
        final TableNames names;
        final String mysqlTable;
        final TableSchema schema;
        final String columnList;
        final boolean[] binary;
        final ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 16);
        int rows;
        SourcePosition firstPosition;
        SourcePosition lastPosition;
        long lastSourceTs;
        // Consecutive rows mostly share their version (a snapshot) and their millisecond: formatted once.
        private SourcePosition versionOf;
        private String versionText;
        private long timestampOf = Long.MIN_VALUE;
        private String timestampText;

        TableBuffer(TableNames names, String mysqlTable, TableSchema schema) {
            this.names = names;
            this.mysqlTable = mysqlTable;
            this.schema = schema;
            this.columnList = TsvEncoder.columnList(schema, TableDdl.METADATA_COLUMNS);
            this.binary = TsvEncoder.binaryColumns(schema);
        }

        void append(ChangeEvent e) {
            TsvEncoder.writeValues(body, e.values(), binary);
            if (!e.position().equals(versionOf)) {
                versionOf = e.position();
                versionText = versionOf.toVersionString();
            }
            TsvEncoder.writeText(body, versionText);
            body.write('\t');
            body.write(e.op().isDelete() ? '1' : '0');
            body.write('\t');
            if (e.sourceTimestampMs() != timestampOf) {
                timestampOf = e.sourceTimestampMs();
                timestampText = StatusTable.dateTime64(timestampOf);
            }
            TsvEncoder.writeText(body, timestampText);
            body.write('\n');
            if (rows++ == 0) {
                firstPosition = e.position();
            }
            lastPosition = e.position();
            lastSourceTs = e.sourceTimestampMs();
        }

        void reset() {
            body.reset();
            rows = 0;
        }
    }
}
