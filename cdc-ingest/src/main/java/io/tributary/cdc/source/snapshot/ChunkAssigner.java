package io.tributary.cdc.source.snapshot;

import io.debezium.relational.Table;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands work to the chunk readers: chunks to read again first (a DDL or a keyless table's change met
 * them), then the chunks of tables already cut, then the next table to cut, largest first, so the
 * chunks of a big table keep every reader busy while small tables fill the gaps.
 */
final class ChunkAssigner {
    /**
     * A table to cut (or, {@code restored} non-null, whose chunks left to read a resumed snapshot kept, in
     * {@code order}), or a chunk to read with the structure and key order its table was cut with.
     */
    record Work(String table, long estimatedRows, TableChunk chunk, KeyOrder order, Table planned,
                List<TableChunk> restored) {
        Work(String table, long estimatedRows, TableChunk chunk, KeyOrder order, Table planned) {
            this(table, estimatedRows, chunk, order, planned, null);
        }

        boolean isPlan() {
            return chunk == null;
        }
    }

    /** The chunks a resumed snapshot has still to read of a table, in the key order they were cut by. */
    record Restored(KeyOrder order, List<TableChunk> unread) {}

    private final Deque<Work> again = new ArrayDeque<>();
    private final Deque<Work> chunks = new ArrayDeque<>();
    private final Deque<Work> tables = new ArrayDeque<>();
    private final Map<String, Work> plans = new HashMap<>();
    private int planning;

    ChunkAssigner(Map<String, Long> estimates) {
        this(estimates, Map.of());
    }

    ChunkAssigner(Map<String, Long> estimates, Map<String, Restored> restored) {
        estimates.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> {
                    Restored r = restored.get(e.getKey());
                    tables.add(new Work(e.getKey(), e.getValue(), null, r == null ? null : r.order(), null,
                            r == null ? null : r.unread()));
                });
    }

    synchronized Work next() {
        Work w = again.poll();
        if (w == null) {
            w = chunks.poll();
        }
        if (w == null) {
            w = tables.poll();
            if (w != null) {
                planning++;
            }
        }
        return w;
    }

    synchronized void planned(String table, KeyOrder order, Table structure, List<TableChunk> cut) {
        planning--;
        Work plan = new Work(table, 0, null, order, structure);
        plans.put(table, plan);
        for (TableChunk c : cut) {
            chunks.add(new Work(table, 0, c, order, structure));
        }
    }

    synchronized void planFailed() {
        planning--;
    }

    synchronized void readAgain(TableChunk chunk) {
        Work plan = plans.get(chunk.table());
        if (plan != null) {
            again.add(new Work(chunk.table(), 0, chunk, plan.order(), plan.planned()));
        }
    }

    /** Tables not cut yet and chunks not handed to a reader. */
    synchronized int remaining() {
        return again.size() + chunks.size() + tables.size() + planning;
    }
}
