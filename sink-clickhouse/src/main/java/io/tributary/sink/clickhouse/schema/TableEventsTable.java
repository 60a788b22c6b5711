package io.tributary.sink.clickhouse.schema;

/**
 * {@code <status database>.table_events}: what happened to a table outside its data. A table is
 * parked (its rows are skipped; error and position kept here) when a row cannot be converted or
 * ClickHouse refuses its rows; {@code ./tributary resync} requests a re-read; the source records
 * when the re-read is done. The newest event per table is its state.
 */
public final class TableEventsTable {
    public static final String TABLE = "table_events";

    private TableEventsTable() {}

    public static String qualifiedName(String statusDatabase) {
        return TableNames.quote(statusDatabase) + "." + TableNames.quote(TABLE);
    }

    public static String create(String statusDatabase) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedName(statusDatabase) + " (\n"
                + "  table String COMMENT 'MySQL table, db.table',\n"
                + "  event Enum8('parked' = 1, 'resync_requested' = 2, 'resynced' = 3),\n"
                + "  at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'ClickHouse time of the event',\n"
                + "  position String COMMENT 'binlog position: of the failing row, or the resync snapshot',\n"
                + "  message String COMMENT 'the error that parked the table, or a note'\n"
                + ") ENGINE = MergeTree ORDER BY (table, at)\n"
                + "COMMENT 'Parked tables and resyncs (./tributary resync db.table); the newest event per table is its state'";
    }

    /** Newest event per table as TSV: table, event, at (epoch ms), position, message. */
    public static String latestPerTable(String statusDatabase) {
        return "SELECT table, argMax(event, at), toUnixTimestamp64Milli(max(at)), argMax(position, at), "
                + "argMax(message, at) FROM " + qualifiedName(statusDatabase) + " GROUP BY table ORDER BY table "
                + "FORMAT TabSeparated";
    }

    public static final String COLUMNS = "table, event, position, message";

    public static String row(String table, String event, String position, String message) {
        return StatusTable.tsv(table) + "\t" + event + "\t" + StatusTable.tsv(position) + "\t"
                + StatusTable.tsv(message) + "\n";
    }
}
