package io.tributary.sink.clickhouse.schema;

import io.tributary.cdc.event.SourcePosition;

/** {@code <status database>.table_status}: per captured table, the last applied position and lag. */
public final class StatusTable {
    public static final String TABLE = "table_status";
    public static final String COLUMNS = "database, table, position, version, source_ts, flushed_at, batch_rows, insert_ms, events_per_s";

    private StatusTable() {}

    public static String qualifiedName(String statusDatabase) {
        return TableNames.quote(statusDatabase) + "." + TableNames.quote(TABLE);
    }

    public static String create(String statusDatabase) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedName(statusDatabase) + " (\n"
                + "  database String, table String,\n"
                + "  position String COMMENT 'last binlog position applied, readable',\n"
                + "  version UInt128 COMMENT 'the same position as stored in _version',\n"
                + "  source_ts DateTime64(3, 'UTC') COMMENT 'MySQL commit time of that change',\n"
                + "  flushed_at DateTime64(3, 'UTC') COMMENT 'when the batch was stored in ClickHouse',\n"
                + "  batch_rows UInt64, insert_ms UInt64,\n"
                + "  events_per_s Float64 COMMENT 'changes per second applied since the previous batch of this table'\n"
                + ") ENGINE = ReplacingMergeTree(flushed_at) ORDER BY (database, table)\n"
                + "COMMENT 'Tributary pipeline progress per table; read with FINAL for the latest row'";
    }

    private static final java.time.format.DateTimeFormatter UTC_MILLIS =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    /** Epoch milliseconds as DateTime64(3, 'UTC') text (plain numbers with few digits are ambiguous to ClickHouse). */
    public static String dateTime64(long epochMillis) {
        return UTC_MILLIS.format(java.time.Instant.ofEpochMilli(epochMillis));
    }

    static String tsv(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    public static String row(TableNames names, SourcePosition position, long sourceTs, long flushedAt, long rows,
                             long insertMs, double eventsPerSecond) {
        return tsv(names.database()) + "\t" + tsv(names.table()) + "\t" + tsv(position.toString()) + "\t"
                + position.toVersionString() + "\t" + dateTime64(sourceTs) + "\t" + dateTime64(flushedAt) + "\t"
                + rows + "\t" + insertMs + "\t" + String.format(java.util.Locale.ROOT, "%.1f", eventsPerSecond) + "\n";
    }
}
