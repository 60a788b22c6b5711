package io.tributary.cdc.source;

/** Who reads a new pipeline's snapshot. */
public enum MySqlSnapshotReader {
    /**
     * Tributary's parallel reader: read views opened at one binlog position under a global read lock
     * held for a moment (needs RELOAD), rows converted by Debezium's converters without Kafka Connect
     * records.
     */
    TRIBUTARY,
    /**
     * Debezium's own single-threaded snapshot: slower; without RELOAD it falls back to table locks
     * ({@code FLUSH TABLES t WITH READ LOCK}, which needs FLUSH_TABLES).
     */
    DEBEZIUM
}
