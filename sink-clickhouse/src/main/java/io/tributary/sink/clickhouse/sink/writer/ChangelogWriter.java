package io.tributary.sink.clickhouse.sink.writer;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.ChangelogDdl;
import io.tributary.sink.clickhouse.schema.DdlStatements;
import io.tributary.sink.clickhouse.schema.KeyChangesTable;
import io.tributary.sink.clickhouse.schema.StatusTable;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import io.tributary.sink.clickhouse.views.ViewDefinition;
import io.tributary.sink.clickhouse.views.ViewInstaller;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the changelogs analytics views read ({@code <table>__changes}): for every streamed change
 * the retraction of the replaced row and the new row; snapshot rows as additions. Tables without
 * a primary key live here entirely: their view is the multiset the changelog adds up to. Its
 * input is keyed by table, so this writer alone writes a table's changelog and views.
 *
 * <p>Exactly once into the changelog, although the job replays after a restart: a changelog row
 * is identified by (version, sign, key hash). The first streamed change of a table after a start
 * loads the identities stored at or after its version, and replayed rows found there are skipped.
 * A retried insert carries the same deduplication token, so ClickHouse drops it if the first try
 * landed. A snapshot's begin (a snapshot started again after a crash, or resumed) first removes the
 * changelog rows at or before its position in its scope and rebuilds the views.
 */
public final class ChangelogWriter implements SinkWriter<ChangeEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ChangelogWriter.class);

    private final ClickHouseSinkConfig config;
    private final ClickHouseHttp client;
    private final ProcessingTimeService timers;
    private final Retrier retrier;
    private final List<ViewDefinition> views;
    private final ViewInstaller installer;
    private final Map<String, Changelog> logs = new LinkedHashMap<>();
    private int bufferedRows;
    /** Status rows of keyless tables flushed, stored at the end of the flush. */
    private final PendingRows statusRows;
    private RuntimeException timerFailure;

    public ChangelogWriter(ClickHouseSinkConfig config, List<ViewDefinition> views, ProcessingTimeService timers) {
        this.config = config;
        this.client = config.client();
        this.timers = timers;
        this.views = List.copyOf(views);
        this.retrier = new Retrier(config.maxRetries(), config.retryBackoff());
        this.installer = new ViewInstaller(client);
        this.statusRows = new PendingRows(StatusTable.qualifiedName(config.statusDatabase()), StatusTable.COLUMNS,
                "recording the status of tables without a key");
        // Tables without a key record their status from here; the versions writer may not have created it yet.
        retrier.run("creating the status tables", () -> {
            client.query(TableDdl.createDatabase(config.statusDatabase()));
            client.query(StatusTable.create(config.statusDatabase()));
            client.query(KeyChangesTable.create(config.statusDatabase()));
        });
        scheduleFlush();
    }

    private void scheduleFlush() {
        timers.registerTimer(timers.getCurrentProcessingTime() + config.flushInterval().toMillis(), time -> {
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
        if (timerFailure != null) {
            throw timerFailure;
        }
        switch (event.op()) {
            case DDL -> {
                List<DdlStatements.Action> actions = DdlStatements.parse(event.database(), event.ddl());
                dropped(event, actions);
                reshaped(event, actions);
            }
            case TRUNCATE -> {
                TableNames names = names(event.database(), event.table());
                flush(logs.get(event.qualifiedTable()));
                removeBefore(names, event.table(), event.position(), false, SnapshotScope.whole());
            }
            case SNAPSHOT_BEGIN -> {
                // Changes at the snapshot's position too: an attempt started again at the same position stored them.
                TableNames names = names(event.database(), event.table());
                flush(logs.get(event.qualifiedTable()));
                removeBefore(names, event.table(), event.position(), true, event.scope());
                if (!event.schema().columns().isEmpty() && !event.schema().hasPrimaryKey()) {
                    logFor(event); // a table without a key read empty: its changelog and view exist from now on
                }
            }
            default -> append(event);
        }
    }

    private void append(ChangeEvent event) {
        Changelog log = logFor(event);
        SourcePosition position = event.position();
        // A snapshot's rows are never replays: the begin before them removed what an earlier attempt stored.
        boolean binlogChange = event.op() != ChangeEvent.Op.SNAPSHOT;
        if (binlogChange && log.stored == null) {
            flush(log);
            log.stored = storedIdentities(log.names, position);
            log.storedUpTo = log.stored.stream().map(id -> SourcePosition.fromVersionString(id.substring(0, id.indexOf('\t'))))
                    .max(SourcePosition::compareTo).orElse(position);
        } else if (binlogChange && !log.stored.isEmpty() && position.compareTo(log.storedUpTo) > 0) {
            log.stored = Set.of(); // past everything stored before the start: no replay left to skip
        }
        long key = KeyHash.of(event.key());
        if (event.hasBefore()) {
            log.add(event, event.before(), -1, key);
        }
        log.add(event, event.values(), event.op().isDelete() ? -1 : 1, key);
        if (++bufferedRows >= config.batchSize()) {
            flushAll();
        }
    }

    /**
     * DROP TABLE retracts everything the table contributed; RENAME TABLE moves a keyless table's
     * changelog; ADD PRIMARY KEY gives the multiset the statement's other column changes and records
     * that it is complete up to it.
     */
    private void dropped(ChangeEvent event, List<DdlStatements.Action> actions) {
        for (DdlStatements.Action action : actions) {
            if (action instanceof DdlStatements.DropTable drop) {
                String database = drop.table().substring(0, drop.table().indexOf('.'));
                flush(logs.remove(drop.table()));
                removeBefore(names(database, tableOf(drop.table())), tableOf(drop.table()), event.position(), false,
                        SnapshotScope.whole());
            } else if (action instanceof DdlStatements.RenameTable rename) {
                flush(logs.remove(rename.from()));
                renamed(rename);
            } else if (action instanceof DdlStatements.KeyChange key && key.dropped() && !key.added()) {
                // A key dropped before any row with it came: the table is still a multiset, which takes the
                // statement's column changes here. Once it had versions, the versions writer moves them.
                reshapeMultiset(event);
            } else if (action instanceof DdlStatements.KeyChange key && key.added()) {
                // Every change before the ALTER is stored: the versions writer may now copy the multiset.
                flush(logs.remove(key.table()));
                if (!key.dropped()) {
                    // Before the marker: the versions writer replaces the multiset view only after it.
                    reshapeMultiset(event);
                }
                TableNames names = names(key.table().substring(0, key.table().indexOf('.')), tableOf(key.table()));
                retrier.run("recording ADD PRIMARY KEY on " + key.table(), () -> {
                    client.query(KeyChangesTable.create(config.statusDatabase()));
                    client.insert(KeyChangesTable.qualifiedName(config.statusDatabase()), "database, table, version",
                            "TabSeparated", KeyChangesTable.row(names, event.position()).getBytes(StandardCharsets.UTF_8));
                });
            }
        }
    }

    /**
     * A CREATE or ALTER TABLE of a table kept as a changelog (no primary key, or read by views) changes the
     * changelog and the multiset view at once, in the columns the statement left, whether or not rows
     * follow. Key changes wait for the rows of the new shape.
     */
    private void reshaped(ChangeEvent event, List<DdlStatements.Action> actions) {
        TableSchema after = event.schema();
        if (after.columns().isEmpty() || DdlStatements.changesKeyOrDropsTable(actions)) {
            return;
        }
        Changelog log = logs.get(event.qualifiedTable());
        boolean unchanged = log != null ? log.schema.equals(after) : after.hasPrimaryKey() && !hasViews(event.table());
        if (!unchanged) {
            logFor(event);
        }
    }

    /**
     * A key added or dropped while the table is a multiset (its view reads {@code t__changes}): the table
     * stays one until rows with a key arrive (KeyTransitions copies it then), but the statement's other
     * changes ({@code ADD PRIMARY KEY (id), ADD COLUMN c ...}) take effect in the multiset now, so the view
     * has MySQL's columns whether or not rows follow.
     */
    private void reshapeMultiset(ChangeEvent event) {
        if (event.schema().columns().isEmpty()) {
            return;
        }
        TableNames names = names(event.database(), event.table());
        TableSchema keyless = event.schema().withoutKey();
        retrier.run("reshaping " + names.changes() + " for '" + event.ddl() + "'", () -> {
            if (!KeyTransitions.isMultiset(client, names)
                    || !"1".equals(client.query("EXISTS TABLE " + names.changes()).trim())) {
                return; // not a multiset now: the versions writer follows the key change
            }
            ColumnSync.sync(client, names.database(), names.table() + TableNames.CHANGES_SUFFIX, event.qualifiedTable(),
                    keyless);
            client.query(ChangelogDdl.createMultisetView(names, keyless.columns().stream().map(ColumnSchema::name).toList()));
        });
    }

    private void renamed(DdlStatements.RenameTable rename) {
        TableNames from = names(rename.from().substring(0, rename.from().indexOf('.')), tableOf(rename.from()));
        TableNames to = names(rename.to().substring(0, rename.to().indexOf('.')), tableOf(rename.to()));
        retrier.run("renaming " + from.changes(), () -> {
            boolean keyless = exists(from.changes()) && !exists(from.versions()) && !exists(to.versions());
            if (keyless && !exists(to.changes())) {
                LOG.info("RENAME TABLE {} -> {} (no primary key): moving {}", rename.from(), rename.to(), from.changes());
                client.query("RENAME TABLE " + from.changes() + " TO " + to.changes());
            }
            if (keyless) {
                client.query(ChangelogDdl.createMultisetView(to, changelogColumns(to)));
            } else if (hasViews(from.table())) {
                LOG.warn("{} renamed to {}: views over {}{} keep the rows it had; see docs/analytics.md",
                        rename.from(), rename.to(), from.table(), ViewDefinition.CHANGES_SUFFIX);
            }
        });
    }

    private boolean exists(String qualifiedTable) {
        return "1".equals(client.query("EXISTS TABLE " + qualifiedTable).trim());
    }

    /** The MySQL columns of a changelog, in order (its metadata columns left out). */
    private List<String> changelogColumns(TableNames names) {
        return java.util.Arrays.stream(client.query("SELECT name FROM system.columns WHERE database = "
                        + TableNames.literal(names.database()) + " AND table = "
                        + TableNames.literal(names.table() + TableNames.CHANGES_SUFFIX) + " ORDER BY position FORMAT TSVRaw")
                .split("\n")).filter(c -> !c.isEmpty() && !ChangelogDdl.METADATA_COLUMNS.contains(c)).toList();
    }

    private static String tableOf(String qualified) {
        return qualified.substring(qualified.indexOf('.') + 1);
    }

    private Changelog logFor(ChangeEvent event) {
        Changelog log = logs.get(event.qualifiedTable());
        if (log != null && log.schema.equals(event.schema())) {
            return log;
        }
        flush(log);
        Set<String> stored = log == null ? null : log.stored;
        SourcePosition storedUpTo = log == null ? null : log.storedUpTo;
        Changelog fresh = new Changelog(names(event.database(), event.table()), event.qualifiedTable(), event.schema());
        fresh.stored = stored;
        fresh.storedUpTo = storedUpTo;
        retrier.run("creating or altering " + fresh.names.changes(), () -> {
            client.query(TableDdl.createDatabase(fresh.names.database()));
            client.query(ChangelogDdl.createChangesTable(fresh.names, fresh.mysqlTable, fresh.schema));
            ColumnSync.sync(client, fresh.names.database(), fresh.names.table() + TableNames.CHANGES_SUFFIX,
                    fresh.mysqlTable, fresh.schema);
            if (!fresh.schema.hasPrimaryKey()) {
                client.query(ChangelogDdl.createMultisetView(fresh.names,
                        fresh.schema.columns().stream().map(ColumnSchema::name).toList()));
            }
            if (log == null) {
                viewsOf(event.table()).forEach(v -> installer.install(v, fresh.names.database()));
            }
        });
        logs.put(event.qualifiedTable(), fresh);
        return fresh;
    }

    /**
     * Removes changelog rows in {@code scope} older than {@code position} (snapshot: at it too) and sums
     * the views again. Idempotent, so a replayed TRUNCATE or snapshot begin changes nothing more.
     */
    private void removeBefore(TableNames names, String table, SourcePosition position, boolean inclusive,
                              SnapshotScope scope) {
        String condition = " WHERE `_version` " + (inclusive ? "<= " : "< ") + position.toVersionString()
                + " AND (" + scope.condition(TableNames::quote) + ")";
        retrier.run("removing changes of " + names.table() + " before " + position, () -> {
            if (!"1".equals(client.query("EXISTS TABLE " + names.changes()).trim())) {
                return;
            }
            String count = client.query("SELECT count() FROM " + names.changes() + condition).trim();
            if ("0".equals(count)) {
                return;
            }
            LOG.info("{} at {}: removing {} changes of {} ({}) and summing its views again",
                    inclusive ? "Snapshot" : "TRUNCATE/DROP", position, count, names.table(), scope);
            client.query("ALTER TABLE " + names.changes() + " DELETE" + condition + " SETTINGS mutations_sync = 2");
            viewsOf(table).forEach(v -> installer.rebuild(v, names.database()));
        });
    }

    private Set<String> storedIdentities(TableNames names, SourcePosition from) {
        Set<String> stored = new HashSet<>();
        retrier.run("reading the changes of " + names.table() + " stored since " + from, () -> {
            stored.clear();
            String rows = client.query("SELECT `_version`, `_sign`, `_key` FROM " + names.changes()
                    + " WHERE `_version` >= " + from.toVersionString() + " FORMAT TSVRaw");
            for (String line : rows.split("\n")) {
                if (!line.isEmpty()) {
                    stored.add(line);
                }
            }
        });
        if (!stored.isEmpty()) {
            LOG.info("{} changes of {} at or after {} are already stored; replayed ones are skipped",
                    stored.size(), names.table(), from);
        }
        return stored;
    }

    @Override
    public void flush(boolean endOfInput) {
        if (timerFailure != null) {
            throw timerFailure;
        }
        flushAll();
    }

    private void flushAll() {
        for (Changelog log : logs.values()) {
            flush(log);
        }
        bufferedRows = 0;
        statusRows.store(client, retrier);
    }

    private void flush(Changelog log) {
        if (log == null || log.rows == 0) {
            return;
        }
        byte[] body = log.body.toByteArray();
        // One token for every try of this batch: if a try that timed out did land, ClickHouse drops the retry.
        Map<String, String> settings = Map.of("insert_deduplication_token", UUID.randomUUID().toString());
        long started = System.currentTimeMillis();
        retrier.run("inserting " + log.rows + " changes into " + log.names.changes(),
                () -> client.insert(log.names.changes(), log.columnList, "TabSeparated", body, settings));
        if (!log.schema.hasPrimaryKey()) {
            // The changelog is this table's only storage: /status and the API's freshness read this row.
            long now = System.currentTimeMillis();
            // Stored at the end of the flush (the next one for a table flushed alone), as the versions writer does.
            statusRows.add(StatusTable.row(log.names, log.lastPosition, log.lastSourceTs, now, log.rows,
                    now - started, 0));
        }
        log.reset();
    }

    private boolean hasViews(String table) {
        return views.stream().anyMatch(v -> v.source().equals(table));
    }

    private List<ViewDefinition> viewsOf(String table) {
        return views.stream().filter(v -> v.source().equals(table)).toList();
    }

    private TableNames names(String mysqlDatabase, String table) {
        return new TableNames(config.targetDatabase(mysqlDatabase), table);
    }

    @Override
    public void close() {
        // Unflushed rows are replayed from the last checkpoint; the identities make that harmless.
    }

    /** Signed rows of one table waiting for the next insert. */
    private static final class Changelog {
        final TableNames names;
        final String mysqlTable;
        final TableSchema schema;
        final String columnList;
        final boolean[] binary;
        final ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 16);
        int rows;
        /** Identities stored before this writer started, from its first streamed version on; null until read. */
        Set<String> stored;
        SourcePosition storedUpTo;
        SourcePosition lastPosition;
        long lastSourceTs;

        Changelog(TableNames names, String mysqlTable, TableSchema schema) {
            this.names = names;
            this.mysqlTable = mysqlTable;
            this.schema = schema;
            this.columnList = TsvEncoder.columnList(schema, ChangelogDdl.METADATA_COLUMNS);
            this.binary = TsvEncoder.binaryColumns(schema);
        }

        void add(ChangeEvent e, String[] values, int sign, long key) {
            String version = e.position().toVersionString();
            String unsignedKey = Long.toUnsignedString(key);
            if (stored != null && stored.contains(version + "\t" + sign + "\t" + unsignedKey)) {
                return;
            }
            TsvEncoder.writeValues(body, values, binary);
            TsvEncoder.writeText(body, version);
            body.write('\t');
            TsvEncoder.writeText(body, Integer.toString(sign));
            body.write('\t');
            TsvEncoder.writeText(body, unsignedKey);
            body.write('\t');
            TsvEncoder.writeText(body, StatusTable.dateTime64(e.sourceTimestampMs()));
            body.write('\n');
            rows++;
            lastPosition = e.position();
            lastSourceTs = e.sourceTimestampMs();
        }

        void reset() {
            body.reset();
            rows = 0;
        }
    }

    /** 64 bits of SHA-256 of a change's table and primary key. */
    static final class KeyHash {
        private KeyHash() {}

        static long of(String key) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
                return java.nio.ByteBuffer.wrap(d).getLong();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
