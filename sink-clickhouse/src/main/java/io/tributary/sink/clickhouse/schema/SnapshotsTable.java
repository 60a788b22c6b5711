package io.tributary.sink.clickhouse.schema;

import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.event.SourcePosition;

/**
 * {@code <status database>.snapshots}: one row per snapshot of a table (a first snapshot, one taken
 * again, a resync, the rest of a resumed one), at its position: what it reads and, when it resumed,
 * how many chunks an earlier run had completed, for {@code /status}.
 */
public final class SnapshotsTable {
    public static final String TABLE = "snapshots";
    public static final String COLUMNS = "database, table, version, position, scope, chunks_skipped, begun_at";

    private SnapshotsTable() {}

    public static String qualifiedName(String statusDatabase) {
        return TableNames.quote(statusDatabase) + "." + TableNames.quote(TABLE);
    }

    public static String create(String statusDatabase) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedName(statusDatabase) + " (\n"
                + "  database String, table String,\n"
                + "  version UInt128 COMMENT 'the snapshot''s position, as in _version of its rows',\n"
                + "  position String,\n"
                + "  scope String COMMENT 'what it reads: whole table, or the key ranges a resumed snapshot reads again',\n"
                + "  chunks_skipped UInt32 COMMENT 'chunks an earlier run had completed, not read again',\n"
                + "  begun_at DateTime64(3, 'UTC')\n"
                + ") ENGINE = ReplacingMergeTree ORDER BY (database, table, version)\n"
                + "COMMENT 'Snapshots of MySQL tables read by Tributary; the newest per table is the current one'";
    }

    public static String row(TableNames names, SourcePosition position, SnapshotScope scope, long begunAtMs) {
        return StatusTable.tsv(names.database()) + "\t" + StatusTable.tsv(names.table()) + "\t"
                + position.toVersionString() + "\t" + StatusTable.tsv(position.toString()) + "\t"
                + StatusTable.tsv(scope.toString()) + "\t" + scope.chunksDone() + "\t"
                + StatusTable.dateTime64(begunAtMs) + "\n";
    }
}
