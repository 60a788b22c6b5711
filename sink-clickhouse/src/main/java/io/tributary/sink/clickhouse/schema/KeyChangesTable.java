package io.tributary.sink.clickhouse.schema;

import io.tributary.cdc.event.SourcePosition;

/**
 * {@code <status database>.key_changes}: a primary key added to a table that had none, at the
 * binlog position of the ALTER TABLE, written once the table's multiset (changelog) holds every
 * change before it. The writer of versioned tables waits for this row before it copies the rows
 * into versions per key.
 */
public final class KeyChangesTable {
    public static final String TABLE = "key_changes";

    private KeyChangesTable() {}

    public static String qualifiedName(String statusDatabase) {
        return TableNames.quote(statusDatabase) + "." + TableNames.quote(TABLE);
    }

    public static String create(String statusDatabase) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedName(statusDatabase) + " (\n"
                + "  database String, table String,\n"
                + "  version UInt128 COMMENT 'binlog position of the ALTER TABLE ... ADD PRIMARY KEY, as in _version'\n"
                + ") ENGINE = ReplacingMergeTree ORDER BY (database, table, version)\n"
                + "COMMENT 'Primary keys added to tables without one; the multiset was complete up to version'";
    }

    public static String row(TableNames names, SourcePosition position) {
        return StatusTable.tsv(names.database()) + "\t" + StatusTable.tsv(names.table()) + "\t"
                + position.toVersionString() + "\n";
    }

    /** The newest such version for the table, 0 when none. */
    public static String newest(String statusDatabase, TableNames names) {
        return "SELECT max(version) FROM " + qualifiedName(statusDatabase) + " WHERE database = "
                + TableNames.literal(names.database()) + " AND table = " + TableNames.literal(names.table());
    }
}
