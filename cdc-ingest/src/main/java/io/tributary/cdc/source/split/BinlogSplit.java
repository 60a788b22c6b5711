package io.tributary.cdc.source.split;

import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The single split of a MySQL source: the binlog. Its state is Debezium's offset (as the exact
 * bytes of Debezium's offset store key and value, null before the first record) and Debezium's
 * schema history.
 */
public record BinlogSplit(String offsetKey, String offsetValue, List<String> schemaHistory) implements SourceSplit {
    public static final String ID = "binlog";

    public BinlogSplit {
        schemaHistory = List.copyOf(schemaHistory);
        if ((offsetKey == null) != (offsetValue == null)) {
            throw new IllegalArgumentException("offset key and value must both be set or both be absent");
        }
    }

    public static BinlogSplit initial() {
        return new BinlogSplit(null, null, List.of());
    }

    @Override
    public String splitId() {
        return ID;
    }
}
