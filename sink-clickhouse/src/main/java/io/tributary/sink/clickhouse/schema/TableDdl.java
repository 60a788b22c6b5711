package io.tributary.sink.clickhouse.schema;

import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.TableSchema;
import java.util.List;
import java.util.stream.Collectors;

/**
 * DDL for one captured table: a ReplacingMergeTree of all versions of every row, and a view with
 * exactly MySQL's current rows and columns, which is what users and the API query.
 */
public final class TableDdl {
    /** Metadata columns of the versions table, after the MySQL columns. */
    public static final List<String> METADATA_COLUMNS = List.of("_version", "_deleted", "_source_ts");

    private TableDdl() {}

    public static String createDatabase(String database) {
        return "CREATE DATABASE IF NOT EXISTS " + TableNames.quote(database);
    }

    public static String createVersionsTable(TableNames names, String mysqlTable, TableSchema schema) {
        String columns = columnDefinitions(mysqlTable, schema);
        String key = schema.columns().stream().filter(ColumnSchema::key).map(c -> TableNames.quote(c.name()))
                .collect(Collectors.joining(", "));
        return "CREATE TABLE IF NOT EXISTS " + names.versions() + " (\n  " + columns + ",\n"
                + "  `_version` UInt128 COMMENT 'binlog position of the change: (server epoch << 120) | (file index << 96) | (position << 64) | (row + 1); 0-row for snapshot reads',\n"
                + "  `_deleted` UInt8 COMMENT '1 when this version deletes the row',\n"
                + "  `_source_ts` DateTime64(3, 'UTC') COMMENT 'when MySQL committed the change',\n"
                + "  `_ingested_at` DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'when Tributary wrote it'\n"
                + ") ENGINE = ReplacingMergeTree(`_version`, `_deleted`)\nORDER BY (" + key + ")\n"
                + "COMMENT " + TableNames.literal("All versions of MySQL table " + mysqlTable
                + ". Query the view " + names.view() + " for the current rows.");
    }

    /**
     * MySQL's current rows: the newest version of each key, unless it deletes the row or is older than
     * the table's last TRUNCATE (a marker in {@link TruncationsTable}, so replays and parallel writers
     * cannot bring truncated rows back).
     */
    /** The MySQL columns with their ClickHouse types, for a CREATE TABLE. */
    static String columnDefinitions(String mysqlTable, TableSchema schema) {
        return schema.columns().stream()
                .map(c -> TableNames.quote(c.name()) + " " + ClickHouseTypeMapping.columnType(mysqlTable, c))
                .collect(Collectors.joining(",\n  "));
    }

    public static String createView(TableNames names, TableSchema schema, String statusDatabase) {
        String columns = schema.columns().stream().map(c -> TableNames.quote(c.name())).collect(Collectors.joining(", "));
        return "CREATE OR REPLACE VIEW " + names.view() + " AS SELECT " + columns + " FROM " + names.versions()
                + " FINAL WHERE `_deleted` = 0 AND `_version` > " + TruncationsTable.lastTruncation(statusDatabase, names)
                + "\nCOMMENT " + TableNames.literal("Current rows of MySQL table " + names.database() + "."
                + names.table() + ", kept equal by Tributary; every version is in " + names.versions());
    }

    /**
     * New MySQL columns go to the end of the versions table (the view restores MySQL's order). Rows
     * stored before read MySQL's default, as MySQL's own rows do after ADD COLUMN.
     */
    public static String addColumn(String qualifiedTable, String mysqlTable, ColumnSchema column) {
        return "ALTER TABLE " + qualifiedTable + " ADD COLUMN IF NOT EXISTS " + TableNames.quote(column.name())
                + " " + ClickHouseTypeMapping.columnType(mysqlTable, column) + defaultClause(column);
    }

    /** A changed type or nullability (MODIFY COLUMN in MySQL): ClickHouse converts the stored values. */
    public static String modifyColumn(String qualifiedTable, String mysqlTable, ColumnSchema column) {
        return "ALTER TABLE " + qualifiedTable + " MODIFY COLUMN " + TableNames.quote(column.name())
                + " " + ClickHouseTypeMapping.columnType(mysqlTable, column) + defaultClause(column)
                + " SETTINGS mutations_sync = 2";
    }

    private static String defaultClause(ColumnSchema column) {
        if (column.defaultValue() == null) {
            return "";
        }
        return " DEFAULT " + (column.isBinary() ? "unhex(" + TableNames.literal(column.defaultValue()) + ")"
                : TableNames.literal(column.defaultValue()));
    }
}
