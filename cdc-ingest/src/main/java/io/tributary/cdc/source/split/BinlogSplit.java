package io.tributary.cdc.source.split;

import io.tributary.cdc.event.SourcePosition;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The single split of a MySQL source: the binlog. Its state is Debezium's offset (as the exact
 * bytes of Debezium's offset store key and value, null before the first record), Debezium's
 * schema history, and the tables re-read online ({@code ./tributary resync}) with the request each
 * answered and the position it read at: the table's binlog rows before that position are skipped,
 * checkpointed together with the offset so a replay skips them too. And which server the offset was
 * read from ({@code server_uuid}, null in state written before it was kept) with the version epoch
 * in force there ({@link SourcePosition#withEpoch}): a switch to another server raises it. And,
 * when a lock-free snapshot has just handed out its last chunk, the chunks whose high watermark the
 * binlog had not reached yet ({@code snapshotTail}): their changes below it are in the rows handed
 * out already, so a restart from the offset withholds them instead of applying them twice. And,
 * while a lock-free snapshot still has chunks to read, the tables it has not finished
 * ({@code unfinishedSnapshot}): a restart reads only those again, and of a table keyed by numbers, DATEs and DATETIMEs only
 * the chunks it had not handed out (the snapshot resumes instead of starting over). And which tables
 * the pipeline captured with all their rows ({@code captured}, null in state written before it was
 * kept): a restart whose configuration captures more reads the tables it adds first.
 */
public record BinlogSplit(String offsetKey, String offsetValue, List<String> schemaHistory,
                          Map<String, Resync> resyncs, String serverUuid, int epoch,
                          List<PendingChunk> snapshotTail, List<UnfinishedTable> unfinishedSnapshot,
                          io.tributary.cdc.source.CaptureFilter captured)
        implements SourceSplit {
    public static final String ID = "binlog";

    /** A resync of one table, answering the request made at {@code requestedAtMs}, read at {@code position}. */
    public record Resync(long requestedAtMs, SourcePosition position) {
        public Resync {
            java.util.Objects.requireNonNull(position, "position");
        }
    }

    /**
     * A snapshot chunk handed out before the binlog reached its high watermark {@code high}: the rows
     * of {@code table} whose key lies in {@code (lowerKey, upperKey]} (canonical key text, a null bound
     * open; both null for a table read whole), ordered by {@code keyKinds} (the chunk engine's key order) over
     * {@code keyColumns} in the key's declared order, which the bounds follow (empty in state written before
     * format 7, whose bounds follow the table's column order).
     */
    public record PendingChunk(String table, List<String> keyKinds, List<String> keyColumns, List<String> lowerKey,
                               List<String> upperKey, SourcePosition high) {
        public PendingChunk {
            java.util.Objects.requireNonNull(table, "table");
            java.util.Objects.requireNonNull(high, "high");
            keyKinds = List.copyOf(keyKinds);
            keyColumns = List.copyOf(keyColumns);
            lowerKey = lowerKey == null ? null : List.copyOf(lowerKey);
            upperKey = upperKey == null ? null : List.copyOf(upperKey);
        }
    }

    /**
     * A table a lock-free snapshot had not finished: with no chunks it is read again whole; else its key
     * ({@code keyColumns}, numbers, DATEs or DATETIMEs, ordered by {@code keyKinds}) is cut into {@code chunks}, in key
     * order and covering every key, of which those {@code done} were handed out (their rows are stored)
     * and the others are read again.
     */
    public record UnfinishedTable(String table, List<String> keyColumns, List<String> keyKinds,
                                  List<RestoredChunk> chunks) {
        public UnfinishedTable {
            java.util.Objects.requireNonNull(table, "table");
            keyColumns = List.copyOf(keyColumns);
            keyKinds = List.copyOf(keyKinds);
            chunks = List.copyOf(chunks);
            if (!chunks.isEmpty() && (keyColumns.isEmpty() || keyColumns.size() != keyKinds.size())) {
                throw new IllegalArgumentException(table + ": chunks need the key's columns and kinds");
            }
        }

        public static UnfinishedTable whole(String table) {
            return new UnfinishedTable(table, List.of(), List.of(), List.of());
        }

        public boolean isWhole() {
            return chunks.isEmpty();
        }
    }

    /** A chunk of an {@link UnfinishedTable}: keys in {@code (lowerKey, upperKey]}, a null bound open. */
    public record RestoredChunk(List<String> lowerKey, List<String> upperKey, boolean done) {
        public RestoredChunk {
            lowerKey = lowerKey == null ? null : List.copyOf(lowerKey);
            upperKey = upperKey == null ? null : List.copyOf(upperKey);
        }
    }

    public BinlogSplit(String offsetKey, String offsetValue, List<String> schemaHistory,
                       Map<String, Resync> resyncs, String serverUuid, int epoch, List<PendingChunk> snapshotTail,
                       List<UnfinishedTable> unfinishedSnapshot) {
        this(offsetKey, offsetValue, schemaHistory, resyncs, serverUuid, epoch, snapshotTail, unfinishedSnapshot, null);
    }

    public BinlogSplit(String offsetKey, String offsetValue, List<String> schemaHistory) {
        this(offsetKey, offsetValue, schemaHistory, Map.of(), null, 0, List.of(), List.of());
    }

    public BinlogSplit(String offsetKey, String offsetValue, List<String> schemaHistory,
                       Map<String, Resync> resyncs, String serverUuid, int epoch) {
        this(offsetKey, offsetValue, schemaHistory, resyncs, serverUuid, epoch, List.of(), List.of());
    }

    public BinlogSplit {
        schemaHistory = List.copyOf(schemaHistory);
        resyncs = Map.copyOf(resyncs);
        snapshotTail = List.copyOf(snapshotTail);
        unfinishedSnapshot = List.copyOf(unfinishedSnapshot);
        if (offsetValue == null && (!snapshotTail.isEmpty() || !unfinishedSnapshot.isEmpty())) {
            throw new IllegalArgumentException("a snapshot tail or unfinished snapshot needs the binlog offset it "
                    + "continues from");
        }
        if ((offsetKey == null) != (offsetValue == null)) {
            throw new IllegalArgumentException("offset key and value must both be set or both be absent");
        }
        SourcePosition.requireEpoch(epoch);
    }

    /** Before the first snapshot; its versions start in {@code epoch} (above what ClickHouse already holds). */
    public static BinlogSplit initial(int epoch) {
        return new BinlogSplit(null, null, List.of(), Map.of(), null, epoch, List.of(), List.of());
    }

    @Override
    public String splitId() {
        return ID;
    }
}
