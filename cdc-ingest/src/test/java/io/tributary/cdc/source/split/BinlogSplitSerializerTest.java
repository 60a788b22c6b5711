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
        assertThat(s.deserialize(s.getVersion(), s.serialize(BinlogSplit.initial(0)))).isEqualTo(BinlogSplit.initial(0));
        assertThat(s.deserialize(s.getVersion(), s.serialize(BinlogSplit.initial(3)))).isEqualTo(BinlogSplit.initial(3));
    }

    @Test
    void roundTripsResyncedTables() throws Exception {
        BinlogSplit split = new BinlogSplit("k", "v", List.of("h"), Map.of(
                "shop.orders", new BinlogSplit.Resync(1_763_000_000_123L, SourcePosition.snapshot("binlog.000007", 4242)),
                "shop.été", new BinlogSplit.Resync(-1L, new SourcePosition(-1L, Long.MIN_VALUE))),
                "4b0e6c3a-e762-11f1-8a18-02fc00000001", 127);
        BinlogSplitSerializer s = BinlogSplitSerializer.INSTANCE;
        assertThat(s.deserialize(s.getVersion(), s.serialize(split))).isEqualTo(split);
    }

    @Test
    void roundTripsTheSnapshotTail() throws Exception {
        List<BinlogSplit.PendingChunk> tail = List.of(
                new BinlogSplit.PendingChunk("shop.orders", List.of("INTEGER", "TEXT"), List.of("id", "day"), null, List.of("100", "2026-01-02"),
                        SourcePosition.snapshot("binlog.000007", 4242)),
                new BinlogSplit.PendingChunk("shop.orders", List.of("INTEGER", "TEXT"), List.of("id", "day"),
                        List.of("100", "2026-01-02"), null,
                        SourcePosition.snapshot("binlog.000008", 4)),
                new BinlogSplit.PendingChunk("shop.notes", List.of(), List.of(), null, null, SourcePosition.snapshot("binlog.000008", 9)));
        BinlogSplit split = new BinlogSplit("k", "v", List.of("h"), Map.of(), "4b0e6c3a-e762-11f1-8a18-02fc00000001", 2,
                tail, List.of());
        BinlogSplitSerializer s = BinlogSplitSerializer.INSTANCE;
        BinlogSplit back = s.deserialize(s.getVersion(), s.serialize(split));
        assertThat(back).isEqualTo(split);
        assertThat(back.snapshotTail().get(0).lowerKey()).isNull();
        assertThat(back.snapshotTail().get(1).upperKey()).isNull();
    }

    @Test
    void roundTripsAnUnfinishedSnapshot() throws Exception {
        List<BinlogSplit.UnfinishedTable> unfinished = List.of(
                new BinlogSplit.UnfinishedTable("shop.orders", List.of("id"), List.of("INTEGER"), List.of(
                        new BinlogSplit.RestoredChunk(null, List.of("1000"), true),
                        new BinlogSplit.RestoredChunk(List.of("1000"), List.of("2000"), false),
                        new BinlogSplit.RestoredChunk(List.of("2000"), null, true))),
                BinlogSplit.UnfinishedTable.whole("shop.notes ✨"));
        BinlogSplit split = new BinlogSplit("k", "v", List.of("h"), Map.of(), null, 0, List.of(
                new BinlogSplit.PendingChunk("shop.orders", List.of("INTEGER"), List.of("id"), List.of("2000"), null,
                        SourcePosition.snapshot("binlog.000008", 4))), unfinished);
        BinlogSplitSerializer s = BinlogSplitSerializer.INSTANCE;
        BinlogSplit back = s.deserialize(s.getVersion(), s.serialize(split));
        assertThat(back).isEqualTo(split);
        assertThat(back.unfinishedSnapshot().get(1).isWhole()).isTrue();
        assertThat(back.unfinishedSnapshot().get(0).chunks().get(1).done()).isFalse();
    }

    /**
     * Format 6 kept a composite key's chunk bounds in the table's column order, which may not be the key's: its
     * unfinished tables with such a key are read whole (a one-column key keeps its chunks).
     */
    @Test
    void readsAFormatSixCompositeKeyedUnfinishedTableAsWhole() throws Exception {
        List<BinlogSplit.UnfinishedTable> unfinished = List.of(
                new BinlogSplit.UnfinishedTable("shop.lines", List.of("order_id", "line"), List.of("INTEGER", "INTEGER"),
                        List.of(new BinlogSplit.RestoredChunk(null, List.of("5", "1"), true),
                                new BinlogSplit.RestoredChunk(List.of("5", "1"), null, false))),
                new BinlogSplit.UnfinishedTable("shop.orders", List.of("id"), List.of("INTEGER"), List.of(
                        new BinlogSplit.RestoredChunk(null, List.of("1000"), true),
                        new BinlogSplit.RestoredChunk(List.of("1000"), null, false))));
        BinlogSplit split = new BinlogSplit("k", "v", List.of("h"), Map.of(), null, 0, List.of(), unfinished);
        BinlogSplitSerializer s = BinlogSplitSerializer.INSTANCE;
        // Without a tail, format 6 and 7 write the same bytes.
        BinlogSplit six = s.deserialize(6, s.serialize(split));
        assertThat(six.unfinishedSnapshot().get(0).isWhole()).isTrue();
        assertThat(six.unfinishedSnapshot().get(1)).isEqualTo(unfinished.get(1));
        assertThat(s.deserialize(7, s.serialize(split))).isEqualTo(split);
    }

    @Test
    void roundTripsTheCaptureFilterAndReadsStateWrittenBeforeIt() throws Exception {
        io.tributary.cdc.source.CaptureFilter filter = new io.tributary.cdc.source.CaptureFilter(List.of("shop", "crm"),
                List.of("shop.orders", "crm.people ✨"));
        BinlogSplit split = new BinlogSplit("k", "v", List.of("h"), Map.of(), "uuid", 1, List.of(), List.of(), filter);
        BinlogSplitSerializer s = BinlogSplitSerializer.INSTANCE;
        assertThat(s.deserialize(s.getVersion(), s.serialize(split))).isEqualTo(split);
        BinlogSplit unknown = new BinlogSplit("k", "v", List.of("h"), Map.of(), "uuid", 1, List.of(), List.of());
        assertThat(s.deserialize(s.getVersion(), s.serialize(unknown)).captured()).isNull();
        // Format 5 is format 6 without the filter's flag at the end.
        byte[] six = s.serialize(unknown);
        assertThat(s.deserialize(5, java.util.Arrays.copyOf(six, six.length - 1))).isEqualTo(unknown);
    }

    /**
     * Checkpoints written before resyncs existed (format 1) or before the server was kept (format 2)
     * still restore: no resyncs, server unknown, epoch 0.
     */
    @Test
    void readsFormatsOneAndTwo() throws Exception {
        assertThat(BinlogSplitSerializer.INSTANCE.deserialize(1, older(false)))
                .isEqualTo(new BinlogSplit("key", "value", List.of()));
        assertThat(BinlogSplitSerializer.INSTANCE.deserialize(2, older(true)))
                .isEqualTo(new BinlogSplit("key", "value", List.of(), Map.of("shop.orders",
                        new BinlogSplit.Resync(7L, new SourcePosition(8L, 9L))), null, 0));
    }

    private static byte[] older(boolean withResync) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String s : new String[] {"key", "value"}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeInt(0);
            if (withResync) {
                out.writeInt(1);
                byte[] b = "shop.orders".getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
                out.writeLong(7L);
                out.writeLong(8L);
                out.writeLong(9L);
            }
        }
        return bytes.toByteArray();
    }
}
