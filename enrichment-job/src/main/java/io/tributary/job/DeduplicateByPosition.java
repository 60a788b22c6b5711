package io.tributary.job;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops row changes at or before the last one passed, so changes Debezium delivers again (after it
 * reconnects) never reach the sink twice, and each key's changes reach it in binlog order.
 *
 * <p>One position per subtask is enough: the single reader emits the binlog in order, and each
 * subtask receives its keys' changes through one channel, in that order. A change that is not after
 * the last one passed can only be a repeat. The position is checkpointed (union state, so a rescaled
 * job takes the highest of all). After a restore the reader resumes right after the checkpointed
 * position, so nothing new is dropped. An earlier form kept one position per key with a TTL: at
 * MySQL's top insert rate that state outgrew a 512 MB heap within a minute (OutOfMemoryError in
 * bench/slow-clickhouse.sh), a bulk UPDATE of millions of rows did the same, and Flink's TTL clean-up
 * was 11 % of the catch-up CPU.
 *
 * <p>Changes of one binlog row share a position when MySQL changes a primary key: Debezium turns the
 * row's UPDATE into a DELETE of the old key and then an INSERT of the new one. So an INSERT sorts
 * after a DELETE or UPDATE at the same position; a row event holds no other pair of changes.
 *
 * <p>Some events pass unchecked and leave the position alone. Snapshot rows are not binlog changes:
 * the reader emits each key's snapshot row before that key's binlog changes after the row's read
 * (the chunk engine withholds them until then, for the first snapshot and a resync alike), and a late
 * one's older version loses in ClickHouse. A snapshot's begin (a resync's, after binlog changes of other tables)
 * carries the snapshot's position, so it would look like a repeat; a repeated begin removes nothing more. One DDL statement can yield several
 * events at one position (one per table it drops), and the sink applies a repeated DDL as it does
 * after any restore.
 */
public final class DeduplicateByPosition extends KeyedProcessFunction<String, ChangeEvent, ChangeEvent>
        implements CheckpointedFunction {
    private transient ListState<Tuple3<Long, Long, Boolean>> checkpointed;
    private transient SourcePosition lastPassed;
    private transient boolean lastWasInsert;

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
                "last-passed-binlog-change", Types.TUPLE(Types.LONG, Types.LONG, Types.BOOLEAN)));
        lastPassed = null;
        for (Tuple3<Long, Long, Boolean> restored : checkpointed.get()) {
            SourcePosition position = new SourcePosition(restored.f0, restored.f1);
            if (lastPassed == null || isAfter(position, restored.f2, lastPassed, lastWasInsert)) {
                lastPassed = position;
                lastWasInsert = restored.f2;
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(lastPassed == null ? List.of()
                : List.of(Tuple3.of(lastPassed.high(), lastPassed.low(), lastWasInsert)));
    }

    @Override
    public void processElement(ChangeEvent event, Context ctx, Collector<ChangeEvent> out) {
        if (!event.op().isBinlogRowChange()) {
            out.collect(event);
            return;
        }
        boolean insert = event.op() == ChangeEvent.Op.INSERT;
        if (lastPassed != null && !isAfter(event.position(), insert, lastPassed, lastWasInsert)) {
            return;
        }
        lastPassed = event.position();
        lastWasInsert = insert;
        out.collect(event);
    }

    private static boolean isAfter(SourcePosition position, boolean insert, SourcePosition last, boolean lastInsert) {
        int order = position.compareTo(last);
        return order > 0 || order == 0 && insert && !lastInsert;
    }
}
