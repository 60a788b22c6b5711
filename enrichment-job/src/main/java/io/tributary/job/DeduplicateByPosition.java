package io.tributary.job;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by table and primary key: passes a change only if its source position is after the last
 * one passed for that key. Replays after a restart and snapshot rows overlapping the binlog are
 * dropped, so the per-key sequence reaching the sink is strictly increasing.
 */
public final class DeduplicateByPosition extends KeyedProcessFunction<String, ChangeEvent, ChangeEvent> {
    private transient ValueState<Tuple2<Long, Long>> lastApplied;

    @Override
    public void open(OpenContext context) {
        lastApplied = getRuntimeContext().getState(
                new ValueStateDescriptor<>("last-applied-position", Types.TUPLE(Types.LONG, Types.LONG)));
    }

    @Override
    public void processElement(ChangeEvent event, Context ctx, Collector<ChangeEvent> out) throws Exception {
        Tuple2<Long, Long> last = lastApplied.value();
        if (last != null && !event.position().isAfter(new SourcePosition(last.f0, last.f1))) {
            return;
        }
        lastApplied.update(Tuple2.of(event.position().high(), event.position().low()));
        out.collect(event);
    }
}
