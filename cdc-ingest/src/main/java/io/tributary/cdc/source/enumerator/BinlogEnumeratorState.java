package io.tributary.cdc.source.enumerator;

import io.tributary.cdc.source.split.BinlogSplit;
import java.util.List;

/** Splits not handed to a reader yet: the initial split, or one returned by a failed reader. */
public record BinlogEnumeratorState(List<BinlogSplit> unassigned) {
    public BinlogEnumeratorState {
        unassigned = List.copyOf(unassigned);
    }

    public static BinlogEnumeratorState initial(int epoch) {
        return new BinlogEnumeratorState(List.of(BinlogSplit.initial(epoch)));
    }
}
