package io.tributary.cdc.source.snapshot;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.split.BinlogSplit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a lock-free snapshot, restored from a checkpoint: chunks handed out before the binlog
 * reached their high watermark. A row change of such a chunk below its high watermark is already in
 * the rows handed out, so it is withheld, exactly as {@link SnapshotWindows} withholds it in the run
 * that read the chunk. Without this a restart right after a snapshot must either take the snapshot
 * again or apply those changes twice (a table without a key would count the row twice).
 */
public final class SnapshotTail {
    private record Pending(BinlogSplit.PendingChunk kept, TableChunk bounds) {}

    private final Map<String, List<Pending>> byTable = new HashMap<>();
    private final Map<String, KeyOrder> orders = new HashMap<>();
    private final KeyWeights weights;

    public SnapshotTail(List<BinlogSplit.PendingChunk> chunks) {
        this(chunks, null);
    }

    /** {@code weights}: places the changes of tables with a character key ({@link KeyOrder}); null if there are none. */
    public SnapshotTail(List<BinlogSplit.PendingChunk> chunks, KeyWeights weights) {
        this.weights = weights;
        for (BinlogSplit.PendingChunk chunk : chunks) {
            orders.computeIfAbsent(chunk.table(), t -> KeyOrder.ofKindNames(chunk.keyKinds(), chunk.keyColumns()));
            TableChunk bounds = new TableChunk(chunk.table(), 0,
                    chunk.lowerKey() == null ? null : chunk.lowerKey().toArray(String[]::new), null,
                    chunk.upperKey() == null ? null : chunk.upperKey().toArray(String[]::new), null);
            byTable.computeIfAbsent(chunk.table(), t -> new ArrayList<>()).add(new Pending(chunk, bounds));
        }
    }

    /** Whether the binlog change {@code event} at {@code at} (its transaction's start) is in rows handed out already. */
    public boolean withholds(ChangeEvent event, SourcePosition at) {
        List<Pending> pending = byTable.get(event.qualifiedTable());
        if (pending == null || event.op() == ChangeEvent.Op.DDL || event.op() == ChangeEvent.Op.TRUNCATE) {
            return false;
        }
        KeyOrder order = orders.get(event.qualifiedTable());
        String[] key = order == null ? null : order.hasCollatedColumns()
                ? weights.placementKey(order, order.keyOf(event)) : order.keyOf(event);
        for (Pending p : pending) {
            if (p.bounds.contains(order, key)) {
                return at.compareTo(p.kept.high()) < 0;
            }
        }
        return false;
    }

    /** The binlog reached {@code cursor}: chunks whose high watermark it passed need nothing more. */
    public void passed(SourcePosition cursor) {
        byTable.values().forEach(list -> list.removeIf(p -> cursor.compareTo(p.kept.high()) >= 0));
        byTable.values().removeIf(List::isEmpty);
    }

    public boolean isEmpty() {
        return byTable.isEmpty();
    }

    /** What a checkpoint keeps of it now. */
    public List<BinlogSplit.PendingChunk> pending() {
        return byTable.values().stream().flatMap(List::stream).map(Pending::kept).toList();
    }
}
