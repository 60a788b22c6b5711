package io.tributary.cdc.source.verify;

import io.tributary.cdc.event.SnapshotScope;
import java.io.Serializable;

/**
 * The target's side of a chunk check, kept where the target is (Tributary's is ClickHouse): its
 * checksum of a table's current rows in a key range, and where the outcome of each check is kept for
 * {@code /status}.
 */
public interface ClickHouseChecksums extends Serializable {
    /**
     * The checksum of {@code table}'s current rows ({@code db.table} as captured) within {@code scope} and
     * {@code alsoWhere} (a ClickHouse condition over the key columns with {@link io.tributary.cdc.event.KeyLiteral} literals only,
     * or "1").
     */
    RowDigest.Checksum checksum(String table, RowDigest digest, SnapshotScope scope, String alsoWhere);

    /** Keeps the outcome of a check that concluded (equal, drifted or repaired). */
    void record(ChunkCheck check);

    /** One concluded check of one key range. */
    record ChunkCheck(String table, String keyRange, Verdict verdict, RowDigest.Checksum mysql,
                      RowDigest.Checksum clickhouse, long checkedAtMs) {}

    enum Verdict { EQUAL, DRIFTED }

    /** No target to compare with: the verifier does not run. */
    ClickHouseChecksums NONE = new None();

    final class None implements ClickHouseChecksums {
        private None() {}

        @Override
        public RowDigest.Checksum checksum(String table, RowDigest digest, SnapshotScope scope, String alsoWhere) {
            throw new UnsupportedOperationException("no target configured");
        }

        @Override
        public void record(ChunkCheck check) {}

        private Object readResolve() {
            return NONE;
        }
    }
}
