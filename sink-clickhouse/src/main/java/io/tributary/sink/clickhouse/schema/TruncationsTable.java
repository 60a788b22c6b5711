package io.tributary.sink.clickhouse.schema;

import io.tributary.cdc.event.SourcePosition;

/**
 * {@code <status database>.truncations}: one row per MySQL TRUNCATE TABLE, at its binlog position.
 * Views hide every version older than the newest truncation of their table.
 */
public final class TruncationsTable {
    public static final String TABLE = "truncations";

    private TruncationsTable() {}

    public static String qualifiedName(String statusDatabase) {
        return TableNames.quote(statusDatabase) + "." + TableNames.quote(TABLE);
    }

    public static String create(String statusDatabase) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedName(statusDatabase) + " (\n"
                + "  database String, table String,\n"
                + "  version UInt128 COMMENT 'binlog position of the TRUNCATE, as in _version',\n"
                + "  position String, truncated_at DateTime64(3, 'UTC')\n"
                + ") ENGINE = ReplacingMergeTree ORDER BY (database, table, version)\n"
                + "COMMENT 'MySQL TRUNCATE TABLE statements seen by Tributary; views hide versions older than the newest'";
    }

    /** A scalar subquery: the newest truncation version of the table, 0 when never truncated. */
    static String lastTruncation(String statusDatabase, TableNames names) {
        return "(SELECT max(version) FROM " + qualifiedName(statusDatabase) + " WHERE database = "
                + TableNames.literal(names.database()) + " AND table = " + TableNames.literal(names.table()) + ")";
    }

    public static String row(TableNames names, SourcePosition position, long sourceTs) {
        return StatusTable.tsv(names.database()) + "\t" + StatusTable.tsv(names.table()) + "\t"
                + position.toVersionString() + "\t" + StatusTable.tsv(position.toString()) + "\t"
                + StatusTable.dateTime64(sourceTs) + "\n";
    }
}
