package io.tributary.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ChangeEventTypeInfo;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/** Runs the operator in a local Flink job (no external server). */
class DeduplicateByPositionTest {
    private static final TableSchema SCHEMA = new TableSchema(List.of(
            new ColumnSchema("id", "INT", -1, -1, false, true), new ColumnSchema("v", "VARCHAR", 10, -1, true, false)));

    private static ChangeEvent event(String id, String value, SourcePosition position, ChangeEvent.Op op) {
        return new ChangeEvent("db", "t", op, position, 0, SCHEMA, new String[] {id, value});
    }

    @Test
    void dropsReplaysAndOlderBinlogChangesPerKeyOnly() throws Exception {
        SourcePosition snapshot = SourcePosition.snapshot("binlog.000003", 1000);
        SourcePosition update = SourcePosition.binlog("binlog.000003", 1200, 0);
        SourcePosition later = SourcePosition.binlog("binlog.000004", 4, 2);
        SourcePosition inserted = SourcePosition.binlog("binlog.000004", 4, 1);
        List<ChangeEvent> input = List.of(
                event("1", "a", snapshot, ChangeEvent.Op.SNAPSHOT),
                event("1", "b", update, ChangeEvent.Op.UPDATE),
                event("1", "b", update, ChangeEvent.Op.UPDATE),          // replay after restart
                event("1", "a", snapshot, ChangeEvent.Op.SNAPSHOT),      // a late snapshot row: passed, its older version loses in ClickHouse
                event("2", "x", snapshot, ChangeEvent.Op.SNAPSHOT),      // another key, same position: kept
                event("1", null, later, ChangeEvent.Op.DELETE),
                event("1", "b", update, ChangeEvent.Op.UPDATE),          // older than the delete
                event("3", "i", inserted, ChangeEvent.Op.INSERT),
                event("3", "i", inserted, ChangeEvent.Op.INSERT),        // replayed INSERT: not remembered, same version
                event("3", "j", later, ChangeEvent.Op.UPDATE),
                event("3", "i", inserted, ChangeEvent.Op.INSERT));       // older than a remembered UPDATE: dropped
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<ChangeEvent> output = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it = env.fromData(ChangeEventTypeInfo.INSTANCE, input.toArray(new ChangeEvent[0]))
                .keyBy(ChangeEvent::key, Types.STRING)
                .process(new DeduplicateByPosition(java.time.Duration.ofMinutes(10)), ChangeEventTypeInfo.INSTANCE)
                .executeAndCollect("dedup-test")) {
            it.forEachRemaining(output::add);
        }
        assertThat(output).containsExactly(input.get(0), input.get(1), input.get(3), input.get(4), input.get(5),
                input.get(7), input.get(8), input.get(9));
    }
}
