package io.tributary.cdc.source;

/** Who reads a new pipeline's snapshot. */
public enum MySqlSnapshotReader {
    /**
     * Tributary's chunk engine: tables cut into key ranges, read in parallel while the binlog streams,
     * each chunk reconciled with the binlog between a GTID-set low watermark and a binlog-position high
     * watermark. No lock and no write: SELECT, REPLICATION SLAVE and REPLICATION CLIENT suffice. Needs
     * {@code gtid_mode=ON}; without it the locking reader runs, and says so.
     */
    CHUNKED,
    /**
     * Tributary's parallel reader: read views opened at one binlog position under a global read lock
     * held for a moment (needs RELOAD, which managed services refuse).
     */
    LOCKING,
    /**
     * Debezium's own single-threaded snapshot: slower; without RELOAD it falls back to table locks
     * ({@code FLUSH TABLES t WITH READ LOCK}, which needs FLUSH_TABLES).
     */
    DEBEZIUM
}
