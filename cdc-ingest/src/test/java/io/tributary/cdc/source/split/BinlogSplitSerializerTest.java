package io.tributary.cdc.source.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
