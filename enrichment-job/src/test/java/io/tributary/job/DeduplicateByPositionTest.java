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
    void dropsBinlogChangesAtOrBeforeTheLastOnePassed() throws Exception {
        SourcePosition snapshot = SourcePosition.snapshot("binlog.000003", 1000);
        SourcePosition update = SourcePosition.binlog("binlog.000003", 1200, 0);
        SourcePosition later = SourcePosition.binlog("binlog.000004", 4, 2);
        SourcePosition latest = SourcePosition.binlog("binlog.000004", 900, 0);
        SourcePosition queued = SourcePosition.binlog("binlog.000004", 1500, 0);
        SourcePosition resync = SourcePosition.snapshot("binlog.000004", 800);
        List<ChangeEvent> input = List.of(
                event("1", "a", snapshot, ChangeEvent.Op.SNAPSHOT),
                event("2", "x", snapshot, ChangeEvent.Op.SNAPSHOT),      // another key, same position: kept
                event("1", "b", update, ChangeEvent.Op.UPDATE),
                event("1", "b", update, ChangeEvent.Op.UPDATE),          // delivered again after a reconnect
                event("1", "a", snapshot, ChangeEvent.Op.SNAPSHOT),      // a late snapshot row: passed, its older version loses in ClickHouse
                event("1", null, later, ChangeEvent.Op.DELETE),
                event("1", "b", update, ChangeEvent.Op.UPDATE),          // older than the delete
                event("2", "y", update, ChangeEvent.Op.UPDATE),          // another key, but older than what passed: a repeat
                event("3", "i", latest, ChangeEvent.Op.INSERT),
                event("3", "i", latest, ChangeEvent.Op.INSERT),          // a repeated INSERT
                ChangeEvent.snapshotBegin("db", "t", resync, 0,             // the resync of an empty table:
                        io.tributary.cdc.event.SnapshotScope.whole()),      // below what passed, not a binlog change
                event("4", "q", queued, ChangeEvent.Op.INSERT));         // queued before the resync: not a repeat
        assertThat(deduplicate(input)).containsExactly(input.get(0), input.get(1), input.get(2), input.get(4), input.get(5),
                input.get(8), input.get(10), input.get(11));
    }

    @Test
    void aPrimaryKeyChangeIsADeleteAndAnInsertAtOnePositionAndBothPassOnce() throws Exception {
        SourcePosition before = SourcePosition.binlog("binlog.000005", 300, 0);
        SourcePosition keyChange = SourcePosition.binlog("binlog.000005", 700, 3);
        SourcePosition after = SourcePosition.binlog("binlog.000005", 700, 4);
        List<ChangeEvent> input = List.of(
                event("1", "a", before, ChangeEvent.Op.UPDATE),
                event("1", null, keyChange, ChangeEvent.Op.DELETE),      // UPDATE t SET id = 1001 WHERE id = 1
                event("1001", "a", keyChange, ChangeEvent.Op.INSERT),
                event("1", null, keyChange, ChangeEvent.Op.DELETE),      // the pair delivered again after a reconnect
                event("1001", "a", keyChange, ChangeEvent.Op.INSERT),
                event("2", "b", after, ChangeEvent.Op.UPDATE),
                ChangeEvent.ddl("db", "t", after, 0, "DROP TABLE t, u"),  // one statement, one event per table:
                ChangeEvent.ddl("db", "u", after, 0, "DROP TABLE t, u")); // both pass
        assertThat(deduplicate(input)).containsExactly(input.get(0), input.get(1), input.get(2), input.get(5),
                input.get(6), input.get(7));
    }

    @Test
    void anInsertAfterAnInsertAtTheSamePositionIsARepeat() throws Exception {
        SourcePosition inserted = SourcePosition.binlog("binlog.000006", 120, 0);
        List<ChangeEvent> input = List.of(
                event("7", "a", inserted, ChangeEvent.Op.INSERT),
                event("7", "a", inserted, ChangeEvent.Op.INSERT),
                event("7", null, inserted, ChangeEvent.Op.DELETE));      // older than the INSERT it would follow
        assertThat(deduplicate(input)).containsExactly(input.get(0));
    }

    private static List<ChangeEvent> deduplicate(List<ChangeEvent> input) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<ChangeEvent> output = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it = env.fromData(ChangeEventTypeInfo.INSTANCE, input.toArray(new ChangeEvent[0]))
                .keyBy(ChangeEvent::key, Types.STRING)
                .process(new DeduplicateByPosition(), ChangeEventTypeInfo.INSTANCE)
                .executeAndCollect("dedup-test")) {
            it.forEachRemaining(output::add);
        }
        return output;
    }
}
