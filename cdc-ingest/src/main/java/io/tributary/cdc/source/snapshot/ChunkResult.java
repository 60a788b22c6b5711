package io.tributary.cdc.source.snapshot;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import java.util.List;

/**
 * What a chunk read saw: its rows, the low watermark (the GTID set committed before its read view
 * opened), the high watermark (the binlog's end after the read) and whether the binlog provably held
 * nothing between the two ({@code quiet}: no transaction in flight and the end did not move), in
 * which case the rows can be handed out without waiting for the binlog to reach the high watermark.
 * A read whose rows could not be converted carries the failure instead.
 */
public record ChunkResult(TableChunk chunk, List<ChangeEvent> rows, GtidSet low, GtidSet atView,
                          SourcePosition high, boolean quiet, RuntimeException failure) {

    static ChunkResult failed(TableChunk chunk, RuntimeException failure) {
        return new ChunkResult(chunk, List.of(), GtidSet.EMPTY, GtidSet.EMPTY, SourcePosition.ZERO, false, failure);
    }

    /**
     * Whether the read view may or may not hold transaction {@code gtid}: it is not in the low
     * watermark but was committed or in its commit ({@code gtid_owned}) just after the view opened.
     * A transaction in neither set committed after the view opened: the rows do not hold it.
     */
    boolean uncertain(String gtid) {
        return !low.contains(gtid) && atView.contains(gtid);
    }
}
