package io.tributary.cdc.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.TableSchema;
import io.tributary.cdc.source.split.BinlogSplit;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTailTest {
    private static final SourcePosition H1 = SourcePosition.snapshot("binlog.000003", 1_000);
    private static final SourcePosition H2 = SourcePosition.snapshot("binlog.000003", 5_000);

    /** Two chunks of shop.items split at id 100, handed out with high watermarks H1 and H2, and a keyless table. */
    private static SnapshotTail tail() {
        return new SnapshotTail(List.of(
                new BinlogSplit.PendingChunk("shop.items", List.of("INTEGER"), List.of("id"), null, List.of("100"), H1),
                new BinlogSplit.PendingChunk("shop.items", List.of("INTEGER"), List.of("id"), List.of("100"), null, H2),
                new BinlogSplit.PendingChunk("shop.notes", List.of(), List.of(), null, null, H2)));
    }

    @Test
    void withholdsAChangeBelowTheHighWatermarkOfItsOwnChunkOnly() {
        SnapshotTail tail = tail();
        SourcePosition between = SourcePosition.snapshot("binlog.000003", 3_000);
        assertThat(tail.withholds(item(5), between)).as("chunk 1's H1 is below: the change is not in its rows").isFalse();
        assertThat(tail.withholds(item(100), between)).as("100 is the first chunk's upper bound").isFalse();
        assertThat(tail.withholds(item(101), between)).as("chunk 2 was read after it").isTrue();
        assertThat(tail.withholds(note(), between)).isTrue();
        assertThat(tail.withholds(item(101), H2)).as("at the high watermark the change is new").isFalse();
        assertThat(tail.withholds(item(5), SourcePosition.snapshot("binlog.000003", 999))).isTrue();
        assertThat(tail.withholds(other(), between)).isFalse();
    }

    /**
     * A key declared {@code (b, a)} over columns {@code a, b}: chunk bounds follow the key, so a change is placed by
     * {@code b} first. Placed by its values in column order, (a=1, b=9) would fall below the bound (5, 5).
     */
    @Test
    void placesAChangeByItsKeyInTheKeysDeclaredOrder() {
        SnapshotTail tail = new SnapshotTail(List.of(
                new BinlogSplit.PendingChunk("shop.pairs", List.of("INTEGER", "INTEGER"), List.of("b", "a"), null,
                        List.of("5", "5"), H1),
                new BinlogSplit.PendingChunk("shop.pairs", List.of("INTEGER", "INTEGER"), List.of("b", "a"),
                        List.of("5", "5"), null, H2)));
        TableSchema pairs = new TableSchema(List.of(new ColumnSchema("a", "INT", -1, -1, false, true),
                new ColumnSchema("b", "INT", -1, -1, false, true)));
        ChangeEvent b9 = new ChangeEvent("shop", "pairs", ChangeEvent.Op.UPDATE, SourcePosition.binlog("binlog.000003", 1, 0),
                0, pairs, new String[] {"1", "9"});
        SourcePosition between = SourcePosition.snapshot("binlog.000003", 3_000);
        assertThat(tail.withholds(b9, between)).as("(b=9, a=1) is in the second chunk, read after it").isTrue();
    }

    @Test
    void forgetsChunksTheBinlogPassedAndKeepsTheRestForTheNextCheckpoint() {
        SnapshotTail tail = tail();
        tail.passed(SourcePosition.snapshot("binlog.000003", 2_000));
        assertThat(tail.pending()).extracting(BinlogSplit.PendingChunk::high).containsOnly(H2).hasSize(2);
        assertThat(tail.isEmpty()).isFalse();
        tail.passed(SourcePosition.snapshot("binlog.000004", 4));
        assertThat(tail.isEmpty()).isTrue();
        assertThat(tail.pending()).isEmpty();
    }

    private static final TableSchema KEYED = new TableSchema(List.of(
            new ColumnSchema("id", "INT", -1, -1, false, true), new ColumnSchema("v", "VARCHAR", 20, -1, true, false)));
    private static final TableSchema KEYLESS = new TableSchema(List.of(new ColumnSchema("note", "VARCHAR", 20, -1, true, false)));

    private static ChangeEvent item(int id) {
        return new ChangeEvent("shop", "items", ChangeEvent.Op.UPDATE, SourcePosition.binlog("binlog.000003", 1, 0), 0,
                KEYED, new String[] {Integer.toString(id), "v"});
    }

    private static ChangeEvent note() {
        return new ChangeEvent("shop", "notes", ChangeEvent.Op.INSERT, SourcePosition.binlog("binlog.000003", 1, 0), 0,
                KEYLESS, new String[] {"x"});
    }

    private static ChangeEvent other() {
        return new ChangeEvent("shop", "other", ChangeEvent.Op.INSERT, SourcePosition.binlog("binlog.000003", 1, 0), 0,
                KEYED, new String[] {"1", "v"});
    }
}
