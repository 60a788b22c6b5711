package io.tributary.cdc.source.split;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.SourcePosition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinlogSplitSerializerTest {
    @Test
    void roundTripsOffsetAndHistory() throws Exception {
        BinlogSplit split = new BinlogSplit("[\"tributary\",{\"server\":\"tributary\"}]",
                "{\"file\":\"binlog.000002\",\"pos\":1361976}", List.of("{\"ddl\":\"CREATE TABLE ✨\"}", "x".repeat(70_000)));
        BinlogSplitSerializer s = BinlogSplitSerializer.INSTANCE;
        assertThat(s.deserialize(s.getVersion(), s.serialize(split))).isEqualTo(split);
        assertThat(s.deserialize(s.getVersion(), s.serialize(BinlogSplit.initial()))).isEqualTo(BinlogSplit.initial());
    }

    @Test
    void roundTripsResyncedTables() throws Exception {
        BinlogSplit split = new BinlogSplit("k", "v", List.of("h"), Map.of(
                "shop.orders", new BinlogSplit.Resync(1_763_000_000_123L, SourcePosition.snapshot("binlog.000007", 4242)),
                "shop.été", new BinlogSplit.Resync(-1L, new SourcePosition(-1L, Long.MIN_VALUE))));
        BinlogSplitSerializer s = BinlogSplitSerializer.INSTANCE;
        assertThat(s.deserialize(s.getVersion(), s.serialize(split))).isEqualTo(split);
    }

    /** Checkpoints written before resyncs existed (format 1) still restore, with no resyncs. */
    @Test
    void readsFormatOne() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String s : new String[] {"key", "value"}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeInt(0);
        }
        assertThat(BinlogSplitSerializer.INSTANCE.deserialize(1, bytes.toByteArray()))
                .isEqualTo(new BinlogSplit("key", "value", List.of()));
    }
}
