package io.tributary.sink.clickhouse.schema;

/**
 * {@code <status database>.chunk_checks}: every chunk continuous verification compared, MySQL's
 * checksum against ClickHouse's at one consistent point, and whether they were equal. A drifted
 * chunk is followed by a check after its repair.
 */
public final class ChunkChecksTable {
    public static final String TABLE = "chunk_checks";
    public static final String COLUMNS = "table, key_range, verdict, mysql_rows, mysql_sum, clickhouse_rows, "
            + "clickhouse_sum, checked_at";

    private ChunkChecksTable() {}

    public static String qualifiedName(String statusDatabase) {
        return TableNames.quote(statusDatabase) + "." + TableNames.quote(TABLE);
    }

    public static String create(String statusDatabase) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedName(statusDatabase) + " (\n"
                + "  table String COMMENT 'MySQL table, db.table',\n"
                + "  key_range String COMMENT 'the primary-key range compared, or whole table',\n"
                + "  verdict Enum8('equal' = 1, 'drifted' = 2),\n"
                + "  mysql_rows UInt64, mysql_sum String COMMENT 'sum of the rows'' 64-bit MD5 prefixes',\n"
                + "  clickhouse_rows UInt64, clickhouse_sum String,\n"
                + "  checked_at DateTime64(3, 'UTC')\n"
                + ") ENGINE = MergeTree ORDER BY (table, checked_at) TTL toDateTime(checked_at) + INTERVAL 30 DAY\n"
                + "COMMENT 'Continuous verification (source.mysql.verify.*): one row per chunk compared'";
    }

    public static String row(String table, String keyRange, String verdict, long mysqlRows, String mysqlSum,
                             long clickhouseRows, String clickhouseSum, long checkedAtMs) {
        return StatusTable.tsv(table) + "\t" + StatusTable.tsv(keyRange) + "\t" + verdict + "\t" + mysqlRows + "\t"
                + StatusTable.tsv(mysqlSum) + "\t" + clickhouseRows + "\t" + StatusTable.tsv(clickhouseSum) + "\t"
                + StatusTable.dateTime64(checkedAtMs) + "\n";
    }
}
