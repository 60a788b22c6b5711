package io.tributary.cdc.source.enumerator;

import io.tributary.cdc.source.split.BinlogSplit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands the one binlog split to reader 0. The binlog is a single ordered stream, so one reader
 * reads it; parallelism comes downstream, keyed by primary key.
 */
public final class BinlogSplitEnumerator implements SplitEnumerator<BinlogSplit, BinlogEnumeratorState> {
    private final SplitEnumeratorContext<BinlogSplit> context;
    private final List<BinlogSplit> unassigned;

    public BinlogSplitEnumerator(SplitEnumeratorContext<BinlogSplit> context, BinlogEnumeratorState state) {
        this.context = context;
        this.unassigned = new ArrayList<>(state.unassigned());
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<BinlogSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
        assignIfReaderPresent();
    }

    @Override
    public void addReader(int subtaskId) {
        assignIfReaderPresent();
    }

    private void assignIfReaderPresent() {
        if (!unassigned.isEmpty() && context.registeredReaders().containsKey(0)) {
            for (BinlogSplit split : unassigned) {
                context.assignSplit(split, 0);
            }
            unassigned.clear();
        }
    }

    @Override
    public BinlogEnumeratorState snapshotState(long checkpointId) {
        return new BinlogEnumeratorState(unassigned);
    }

    @Override
    public void close() {}
}
