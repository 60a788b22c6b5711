package io.tributary.sink.clickhouse.sink.writer;

import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.ChangelogDdl;
import io.tributary.sink.clickhouse.schema.KeyChangesTable;
import io.tributary.sink.clickhouse.schema.TableDdl;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's rows move between the two storage forms when MySQL adds or drops its primary key:
 * versions per key ({@code t__versions}) and a multiset ({@code t__changes}, for tables without
 * one). DROP PRIMARY KEY copies the current rows into the changelog (this writer has stored every
 * change before the ALTER); ADD PRIMARY KEY waits until the changelog writer has stored every
 * change before it ({@link KeyChangesTable}), then copies the multiset into versions. A key whose
 * columns change (drop and add at once) cannot re-key stored rows: refused with what to do.
 */
final class KeyTransitions {
    private static final Logger LOG = LoggerFactory.getLogger(KeyTransitions.class);
    private static final long WAIT_MS = 600_000;
    /**
     * Of a {@code system.tables} row: 1 when it is the multiset view over {@code t__changes} (a table without a
     * key). Its query names the {@code _copies} column (ClickHouse may drop the backticks).
     */
    private static final String IS_MULTISET_VIEW = "position(create_table_query, '_copies') > 0";

    private final ClickHouseSinkConfig config;
    private final ClickHouseHttp client;
    /** MySQL table -> position of its ADD PRIMARY KEY, until its first row with the key arrives. */
    private final Map<String, SourcePosition> keyAdded = new HashMap<>();

    /** Tables (without database) whose changelog views keep current at all times. */
    private final java.util.Set<String> viewSources;

    KeyTransitions(ClickHouseSinkConfig config, java.util.Set<String> viewSources) {
        this.config = config;
        this.client = config.client();
        this.viewSources = viewSources;
    }

    /** Called with everything before the ALTER stored. */
    /**
     * {@code after}: the table's columns after the statement (empty when unknown); a DROP PRIMARY KEY
     * that also changes columns gives the multiset MySQL's new columns at once, rows following or not.
     */
    void keyChanged(TableNames names, String mysqlTable, boolean dropped, boolean added, SourcePosition position,
                    TableSchema after) {
        if (dropped && added) {
            throw new SuppressRestartsException(new IllegalStateException("The primary key of " + mysqlTable
                    + " was replaced at " + position + ". ClickHouse keeps its rows ordered by the old key and cannot "
                    + "re-key them in place. Start from a new snapshot: stop, delete state.dir, start (ClickHouse "
                    + "converges again)."));
        }
        if (added) {
            keyAdded.put(mysqlTable, position);
            return;
        }
        if (!exists(names.versions())) {
            return;
        }
        List<String> columns = columns(names.database(), names.table()); // what the stored rows hold
        LOG.info("DROP PRIMARY KEY on {} at {}: its rows move to the multiset {}", mysqlTable, position, names.changes());
        client.query(ChangelogDdl.createEmpty(names, columns, config.statusDatabase()));
        List<String> viewColumns = columns;
        if (!after.columns().isEmpty()) {
            ColumnSync.sync(client, names.database(), names.table() + TableNames.CHANGES_SUFFIX, mysqlTable,
                    after.withoutKey());
            viewColumns = after.columns().stream().map(ColumnSchema::name).toList();
        }
        if (!viewSources.contains(names.table())) {
            // Without views the changelog stopped when the table got a key: rebuilt from today's rows.
            // Idempotent: a replay removes and writes the same rows again.
            String before = " AND `_version` < " + position.toVersionString();
            client.query("ALTER TABLE " + names.changes() + " DELETE WHERE 1" + before + " SETTINGS mutations_sync = 2");
            client.query("INSERT INTO " + names.changes() + " (" + columns.stream().map(TableNames::quote)
                    .collect(Collectors.joining(", ")) + ", `_version`, `_sign`, `_key`, `_source_ts`) "
                    + ChangelogDdl.currentRowsAsAdditions(names, columns, config.statusDatabase()) + before);
        }
        client.query(ChangelogDdl.createMultisetView(names, viewColumns));
    }

    /**
     * Before rows with a key are stored: a table that was a multiset gets its rows copied into
     * versions first; a table whose key columns differ from the stored order is refused. Answers whether the
     * versions table existed (or was just filled from the multiset) before this call.
     */
    boolean beforeVersions(TableNames names, String mysqlTable, TableSchema schema, SourcePosition firstRow) {
        // One lookup for the view's kind and the versions table's key: this runs for every new table, and a
        // schema of thousands of them paid each request a table (docs/scaling.md).
        String versions = names.table() + TableNames.VERSIONS_SUFFIX;
        String stored = null;
        for (String line : client.query("SELECT name, sorting_key, " + IS_MULTISET_VIEW + " FROM system.tables "
                + "WHERE database = " + TableNames.literal(names.database()) + " AND name IN ("
                + TableNames.literal(names.table()) + ", " + TableNames.literal(versions) + ") FORMAT TSVRaw").split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals(names.table()) && "1".equals(f[2])) {
                fromMultiset(names, mysqlTable, schema, firstRow);
                return true;
            }
            if (f[0].equals(versions)) {
                stored = f[1].replaceAll("[`() ]", "").strip();
            }
        }
        if (stored == null) {
            return false;
        }
        String wanted = schema.columns().stream().filter(ColumnSchema::key).map(ColumnSchema::name)
                .collect(Collectors.joining(","));
        if (!stored.isEmpty() && !stored.equals(wanted)) {
            throw new SuppressRestartsException(new IllegalStateException("The primary key of " + mysqlTable
                    + " is now (" + wanted + ") at " + firstRow + " but ClickHouse stores it by (" + stored + "). Rows "
                    + "cannot be re-keyed in place. Start from a new snapshot: stop, delete state.dir, start."));
        }
        return true;
    }

    /** Whether the table's view is the multiset view over {@code t__changes} (a table without a key). */
    static boolean isMultiset(ClickHouseHttp client, TableNames names) {
        return "1".equals(client.query("SELECT " + IS_MULTISET_VIEW + " FROM system.tables WHERE database = "
                + TableNames.literal(names.database()) + " AND name = " + TableNames.literal(names.table())
                + " FORMAT TSVRaw").strip());
    }

    private void fromMultiset(TableNames names, String mysqlTable, TableSchema schema, SourcePosition firstRow) {
        SourcePosition alter = keyAdded.remove(mysqlTable);
        BigInteger needed = alter == null ? BigInteger.ONE : new BigInteger(alter.toVersionString());
        BigInteger marker = BigInteger.ZERO;
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while ((marker = new BigInteger(client.query(KeyChangesTable.newest(config.statusDatabase(), names)).trim()))
                .compareTo(needed) < 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("ADD PRIMARY KEY on " + mysqlTable + ": the changelog writer did not "
                        + "store the table's rows before it within " + WAIT_MS / 1000 + " s; the job restarts and retries");
            }
            sleep();
        }
        SourcePosition at = SourcePosition.fromVersionString(marker.toString());
        List<String> present = columns(names.database(), names.table());
        List<String> missing = schema.columns().stream().filter(ColumnSchema::key).map(ColumnSchema::name)
                .filter(k -> !present.contains(k)).toList();
        if (!missing.isEmpty()) {
            throw new SuppressRestartsException(new IllegalStateException("ADD PRIMARY KEY on " + mysqlTable + " at "
                    + at + " created key column(s) " + missing + ", whose values for the existing rows MySQL does not "
                    + "write to the binlog. Start from a new snapshot: stop, delete state.dir, start."));
        }
        LOG.info("ADD PRIMARY KEY on {} at {}: copying its rows from the multiset into {}", mysqlTable, at,
                names.versions());
        if (exists(names.versions())) {
            client.query("ALTER TABLE " + names.versions() + " DELETE WHERE `_version` < " + at.toVersionString()
                    + " SETTINGS mutations_sync = 2"); // an earlier keyed period's rows
        }
        client.query(TableDdl.createVersionsTable(names, mysqlTable, schema));
        ColumnSync.sync(client, names.database(), names.table() + TableNames.VERSIONS_SUFFIX, mysqlTable, schema);
        if ("0".equals(client.query("SELECT count() FROM " + names.versions() + " WHERE `_version` = "
                + at.toVersionString()).trim())) {
            String list = schema.columns().stream().map(ColumnSchema::name).filter(present::contains)
                    .map(TableNames::quote).collect(Collectors.joining(", "));
            client.query("INSERT INTO " + names.versions() + " (" + list + ", `_version`, `_deleted`, `_source_ts`) SELECT "
                    + list + ", " + at.toVersionString() + ", 0, now64(3) FROM " + names.view());
        }
    }

    private boolean exists(String qualifiedTable) {
        return "1".equals(client.query("EXISTS TABLE " + qualifiedTable).trim());
    }

    private List<String> columns(String database, String table) {
        String body = client.query("SELECT name FROM system.columns WHERE database = " + TableNames.literal(database)
                + " AND table = " + TableNames.literal(table) + " ORDER BY position FORMAT TSVRaw");
        return body.isBlank() ? List.of() : List.of(body.strip().split("\n"));
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the changelog writer", e);
        }
    }
}
