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
 * in force there ({@link SourcePosition#withEpoch}): a switch to another server raises it.
 */
public record BinlogSplit(String offsetKey, String offsetValue, List<String> schemaHistory,
                          Map<String, Resync> resyncs, String serverUuid, int epoch) implements SourceSplit {
    public static final String ID = "binlog";

    /** A resync of one table, answering the request made at {@code requestedAtMs}, read at {@code position}. */
    public record Resync(long requestedAtMs, SourcePosition position) {
        public Resync {
            java.util.Objects.requireNonNull(position, "position");
        }
    }

    public BinlogSplit(String offsetKey, String offsetValue, List<String> schemaHistory) {
        this(offsetKey, offsetValue, schemaHistory, Map.of(), null, 0);
    }

    public BinlogSplit {
        schemaHistory = List.copyOf(schemaHistory);
        resyncs = Map.copyOf(resyncs);
        if ((offsetKey == null) != (offsetValue == null)) {
            throw new IllegalArgumentException("offset key and value must both be set or both be absent");
        }
        SourcePosition.requireEpoch(epoch);
    }

    /** Before the first snapshot; its versions start in {@code epoch} (above what ClickHouse already holds). */
    public static BinlogSplit initial(int epoch) {
        return new BinlogSplit(null, null, List.of(), Map.of(), null, epoch);
    }

    @Override
    public String splitId() {
        return ID;
    }
}
