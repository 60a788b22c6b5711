package io.tributary.sink.clickhouse.schema;

import io.tributary.cdc.event.TableSchema;
import java.util.List;

/**
 * The changelog of a table that analytics views read: every change as signed rows, the
 * retraction of the replaced row ({@code _sign = -1}) and the new row ({@code _sign = +1}).
 * Materialized views summing {@code x * _sign} therefore stay exact under updates and deletes.
 */
public final class ChangelogDdl {
    /** Metadata columns after the MySQL columns. */
    public static final List<String> METADATA_COLUMNS = List.of("_version", "_sign", "_key", "_source_ts");

    private ChangelogDdl() {}

    public static String createChangesTable(TableNames names, String mysqlTable, TableSchema schema) {
        // The deduplication window makes a retried insert (same token) a no-op, and then its
        // materialized views are not fed twice either.
        return "CREATE TABLE IF NOT EXISTS " + names.changes() + " (\n  " + TableDdl.columnDefinitions(mysqlTable, schema)
                + ",\n  `_version` UInt128 COMMENT 'binlog position of the change (as in the versions table)',\n"
                + "  `_sign` Int8 COMMENT '+1: the row as it became; -1: the row it replaced or deleted',\n"
                + "  `_key` UInt64 COMMENT 'hash of the primary key, identifies the row with _version and _sign',\n"
                + "  `_source_ts` DateTime64(3, 'UTC') COMMENT 'when MySQL committed the change'\n"
                + ") ENGINE = MergeTree\nORDER BY `_version`\nSETTINGS non_replicated_deduplication_window = 1000\n"
                + "COMMENT " + TableNames.literal("Signed changes of " + mysqlTable + " that analytics views in "
                + names.database() + " sum; the current rows are in the view " + names.view());
    }

    /**
     * A changelog for a table that already has rows (a view over it was added later): the
     * current rows as additions. Only exact while nothing writes the table, i.e. before the job
     * resumes from a final savepoint.
     */
    public static String createFromCurrentRows(TableNames names, List<String> columns, String statusDatabase) {
        return createAs(names) + currentRowsAsAdditions(names, columns, statusDatabase);
    }

    /** An empty changelog shaped like the table's current rows (for a table that lost its primary key). */
    public static String createEmpty(TableNames names, List<String> columns, String statusDatabase) {
        return createAs(names) + currentRowsAsAdditions(names, columns, statusDatabase) + " AND 0";
    }

    private static String createAs(TableNames names) {
        return "CREATE TABLE IF NOT EXISTS " + names.changes() + " ENGINE = MergeTree ORDER BY `_version` "
                + "SETTINGS non_replicated_deduplication_window = 1000 AS ";
    }

    /** The table's current rows (as its view shows them) as changelog additions; ends in a WHERE clause. */
    public static String currentRowsAsAdditions(TableNames names, List<String> columns, String statusDatabase) {
        return "SELECT " + columns.stream().map(TableNames::quote).collect(java.util.stream.Collectors.joining(", "))
                + ", `_version`, toInt8(1) AS `_sign`, toUInt64(0) AS `_key`, `_source_ts` FROM " + names.versions()
                + " FINAL WHERE `_deleted` = 0 AND `_version` > " + TruncationsTable.lastTruncation(statusDatabase, names);
    }

    /**
     * The user-facing view of a MySQL table without a primary key: its rows have no identity, so
     * ClickHouse keeps the table as a multiset. Each distinct row appears as many times as its
     * signed changes add up to (two identical rows in MySQL are two rows here).
     */
    public static String createMultisetView(TableNames names, List<String> columns) {
        String list = columns.stream().map(TableNames::quote).collect(java.util.stream.Collectors.joining(", "));
        return "CREATE OR REPLACE VIEW " + names.view() + " AS SELECT " + list + " FROM (SELECT " + list
                + ", sum(`_sign`) AS `_copies` FROM " + names.changes() + " GROUP BY " + list + ") ARRAY JOIN "
                + "range(toUInt64(greatest(`_copies`, 0))) AS `_copy`\nCOMMENT " + TableNames.literal("Current rows of MySQL "
                + "table " + names.database() + "." + names.table() + " (no primary key: kept as a multiset from "
                + names.changes() + "), kept equal by Tributary");
    }
}
