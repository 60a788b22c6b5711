package io.tributary.job;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops binlog changes at or before the last one passed, so changes Debezium delivers again (after
 * it reconnects) never reach the sink twice, and each key's changes reach it in binlog order.
 *
 * <p>One position per subtask is enough: the single reader emits the binlog in order, and each
 * subtask receives its keys' changes through one channel, in that order. A change that is not
 * after the last one passed can only be a repeat. The position is checkpointed (union state, so a
 * rescaled job takes the highest of all). After a restore, the reader resumes right after the
 * checkpointed position, so nothing new is dropped. An earlier form kept one position per key,
 * with a TTL. At MySQL's top insert rate that state outgrew a 512 MB heap within a minute
 * (OutOfMemoryError in bench/slow-clickhouse.sh), and a bulk UPDATE of millions of rows would do the
 * same. Flink's TTL clean-up was also 11 % of the catch-up CPU.
 *
 * <p>Snapshot rows are not binlog changes: they pass unchecked. The reader emits a table's snapshot
 * rows before its binlog changes after the snapshot's position (the first snapshot precedes the
 * binlog, and a resync holds the binlog back). Should one ever arrive late, its older version still
 * loses in ClickHouse. TRUNCATEs pass unchecked too and do not move the position: the resync of an
 * empty table emits one just before its snapshot's position, ahead of binlog changes of other
 * tables the reader had already queued, which would otherwise look like repeats. A repeated
 * TRUNCATE writes the same position marker again, which changes nothing.
 */
public final class DeduplicateByPosition extends KeyedProcessFunction<String, ChangeEvent, ChangeEvent>
        implements CheckpointedFunction {
    private transient ListState<Tuple2<Long, Long>> checkpointed;
    private transient SourcePosition lastPassed;

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("last-passed-binlog-position", Types.TUPLE(Types.LONG, Types.LONG)));
        lastPassed = null;
        for (Tuple2<Long, Long> restored : checkpointed.get()) {
            SourcePosition position = new SourcePosition(restored.f0, restored.f1);
            if (lastPassed == null || position.isAfter(lastPassed)) {
                lastPassed = position;
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(lastPassed == null ? List.of() : List.of(Tuple2.of(lastPassed.high(), lastPassed.low())));
    }

    @Override
    public void processElement(ChangeEvent event, Context ctx, Collector<ChangeEvent> out) {
        if (event.op() == ChangeEvent.Op.SNAPSHOT || event.op() == ChangeEvent.Op.TRUNCATE) {
            out.collect(event);
            return;
        }
        if (lastPassed != null && !event.position().isAfter(lastPassed)) {
            return;
        }
        lastPassed = event.position();
        out.collect(event);
    }
}
