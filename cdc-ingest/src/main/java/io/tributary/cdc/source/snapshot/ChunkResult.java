package io.tributary.cdc.source.snapshot;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import java.util.List;

/**
 * What a chunk read saw: its rows, the low watermark (the GTID set committed before its read view
 * opened), the GTIDs committed or committing just after the view opened ({@code atView}: a
 * transaction outside it committed after the view, so the rows do not hold it; one in it but not in
 * the low watermark may or may not be held), the high watermark (the binlog's end after the read) and whether the binlog provably held
 * nothing between the two ({@code quiet}: no transaction in flight and the end did not move), in
 * which case the rows can be handed out without waiting for the binlog to reach the high watermark.
 * A read whose rows could not be converted carries the failure instead. {@code schema}: the table's
 * columns as read (for the begin of a table read empty), or null.
 */
public record ChunkResult(TableChunk chunk, List<ChangeEvent> rows, GtidSet low, GtidSet atView,
                          SourcePosition high, boolean quiet, RuntimeException failure,
                          io.tributary.cdc.event.TableSchema schema) {

    public ChunkResult(TableChunk chunk, List<ChangeEvent> rows, GtidSet low, GtidSet atView, SourcePosition high,
                       boolean quiet, RuntimeException failure) {
        this(chunk, rows, low, atView, high, quiet, failure, null);
    }

    static ChunkResult failed(TableChunk chunk, RuntimeException failure) {
        return new ChunkResult(chunk, List.of(), GtidSet.EMPTY, GtidSet.EMPTY, SourcePosition.ZERO, false, failure);
    }
}
