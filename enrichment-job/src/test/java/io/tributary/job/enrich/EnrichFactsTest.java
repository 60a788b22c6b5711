package io.tributary.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ChangeEventTypeInfo;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/** The operator in a local Flink job: fact f -> lookup d1 (alias a) -> lookup d2 (alias b). */
class EnrichFactsTest {
    private static final TableSchema FACT = schema("id", "d1_id");
    private static final TableSchema D1 = schema("id", "d2_id", "name");
    private static final TableSchema D2 = schema("id", "label");
    private static final Enrichment ENRICHMENT = new Enrichment("fx", "", "db", "db.f", "f",
            List.of(new Enrichment.Lookup("db.d1", "a", "id", "f", "d1_id"), new Enrichment.Lookup("db.d2", "b", "id", "a", "d2_id")),
            List.of(new Enrichment.AddedColumn("a", "name", new ColumnSchema("a_name", "VARCHAR", 20, -1, true, false)),
                    new Enrichment.AddedColumn("b", "label", new ColumnSchema("b_label", "VARCHAR", 20, -1, true, false))));
    private static final SourcePosition SNAPSHOT = SourcePosition.snapshot("binlog.000001", 100);

    private int position = 1;

    private static TableSchema schema(String... columns) {
        List<ColumnSchema> list = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            list.add(new ColumnSchema(columns[i], i < 2 ? "INT" : "VARCHAR", -1, -1, i > 0, i == 0));
        }
        return new TableSchema(list);
    }

    private ChangeEvent row(String table, TableSchema schema, ChangeEvent.Op op, String... values) {
        SourcePosition at = op == ChangeEvent.Op.SNAPSHOT ? SNAPSHOT : SourcePosition.binlog("binlog.000001", 1000 + position++, 0);
        return new ChangeEvent("db", table, op, at, 0, schema, values);
    }

    private static List<ChangeEvent> run(List<ChangeEvent> input) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<ChangeEvent> output = new ArrayList<>();
        try (CloseableIterator<ChangeEvent> it = env.fromData(ChangeEventTypeInfo.INSTANCE, input.toArray(new ChangeEvent[0]))
                .keyBy(e -> "fx", Types.STRING)
                .process(new EnrichFacts(ENRICHMENT), ChangeEventTypeInfo.INSTANCE)
                .executeAndCollect("enrich-test")) {
            it.forEachRemaining(output::add);
        }
        return output;
    }

    private static String show(ChangeEvent e) {
        return e.op() + " " + Arrays.toString(e.values()) + (e.hasBefore() ? " was " + Arrays.toString(e.before()) : "");
    }

    @Test
    void factBeforeItsLookupRowsGetsNullsThenIsEmittedAgain() throws Exception {
        List<ChangeEvent> out = run(List.of(
                row("f", FACT, ChangeEvent.Op.SNAPSHOT, "1", "10"),
                row("d1", D1, ChangeEvent.Op.SNAPSHOT, "10", "100", "ten"),
                row("d2", D2, ChangeEvent.Op.SNAPSHOT, "100", "hundred"),
                row("f", FACT, ChangeEvent.Op.INSERT, "2", "11"),
                row("d1", D1, ChangeEvent.Op.INSERT, "11", "100", "eleven")));
        assertThat(out).extracting(EnrichFactsTest::show).containsExactly(
                "SNAPSHOT [1, 10, null, null]",
                "SNAPSHOT [1, 10, ten, null] was [1, 10, null, null]",
                "SNAPSHOT [1, 10, ten, hundred] was [1, 10, ten, null]",
                "INSERT [2, 11, null, null]",
                "UPDATE [2, 11, eleven, hundred] was [2, 11, null, null]");
        assertThat(out).allSatisfy(e -> assertThat(e.qualifiedTable()).isEqualTo("db.fx"));
        assertThat(out.get(4).position()).isEqualTo(SourcePosition.binlog("binlog.000001", 1002, 0));
    }

    @Test
    void aChangedLookupRowReEmitsEveryFactItReachesAcrossTwoHops() throws Exception {
        List<ChangeEvent> out = run(List.of(
                row("d2", D2, ChangeEvent.Op.SNAPSHOT, "100", "old"),
                row("d1", D1, ChangeEvent.Op.SNAPSHOT, "10", "100", "a"),
                row("d1", D1, ChangeEvent.Op.SNAPSHOT, "11", "100", "b"),
                row("d1", D1, ChangeEvent.Op.SNAPSHOT, "12", "200", "c"),
                row("f", FACT, ChangeEvent.Op.SNAPSHOT, "1", "10"),
                row("f", FACT, ChangeEvent.Op.SNAPSHOT, "2", "11"),
                row("f", FACT, ChangeEvent.Op.SNAPSHOT, "3", "12"),
                row("d2", D2, ChangeEvent.Op.UPDATE, "100", "new"),
                row("d2", D2, ChangeEvent.Op.UPDATE, "100", "new")));   // no visible change: nothing emitted
        assertThat(out.subList(3, out.size())).extracting(EnrichFactsTest::show).containsExactly(
                "UPDATE [1, 10, a, new] was [1, 10, a, old]",
                "UPDATE [2, 11, b, new] was [2, 11, b, old]");
    }

    @Test
    void aFactMovingToAnotherLookupRowFollowsIt() throws Exception {
        List<ChangeEvent> out = run(List.of(
                row("d1", D1, ChangeEvent.Op.INSERT, "10", null, "ten"),
                row("d1", D1, ChangeEvent.Op.INSERT, "11", null, "eleven"),
                row("f", FACT, ChangeEvent.Op.INSERT, "1", "10"),
                row("f", FACT, ChangeEvent.Op.UPDATE, "1", "11"),
                row("d1", D1, ChangeEvent.Op.UPDATE, "10", null, "TEN"),     // no longer reaches fact 1
                row("d1", D1, ChangeEvent.Op.UPDATE, "11", null, "ELEVEN"),
                row("d1", D1, ChangeEvent.Op.DELETE, "11", null, "ELEVEN"),   // lookup row gone: NULLs
                row("f", FACT, ChangeEvent.Op.DELETE, "1", "11")));
        assertThat(out).extracting(EnrichFactsTest::show).containsExactly(
                "INSERT [1, 10, ten, null]",
                "UPDATE [1, 11, eleven, null] was [1, 10, ten, null]",
                "UPDATE [1, 11, ELEVEN, null] was [1, 11, eleven, null]",
                "UPDATE [1, 11, null, null] was [1, 11, ELEVEN, null]",
                "DELETE [1, 11, null, null]");
    }

    @Test
    void truncatingALookupTableEmitsItsFactsWithNulls() throws Exception {
        List<ChangeEvent> out = run(List.of(
                row("d1", D1, ChangeEvent.Op.INSERT, "10", null, "ten"),
                row("f", FACT, ChangeEvent.Op.INSERT, "1", "10"),
                row("d1", D1, ChangeEvent.Op.TRUNCATE, null, null, null)));
        assertThat(out).extracting(EnrichFactsTest::show).containsExactly(
                "INSERT [1, 10, ten, null]", "UPDATE [1, 10, null, null] was [1, 10, ten, null]");
    }

    @Test
    void aNewSnapshotStartsFromEmptyStateSoRowsDeletedMeanwhileAreForgotten() throws Exception {
        SourcePosition second = SourcePosition.snapshot("binlog.000002", 50);
        List<ChangeEvent> out = run(List.of(
                ChangeEvent.snapshotBegin("db", "d1", SNAPSHOT, 0, SnapshotScope.whole()),
                row("d1", D1, ChangeEvent.Op.SNAPSHOT, "10", null, "ten"),
                ChangeEvent.snapshotBegin("db", "f", SNAPSHOT, 0, SnapshotScope.whole()),
                row("f", FACT, ChangeEvent.Op.SNAPSHOT, "1", "10"),
                // the first snapshot was abandoned; d1 row 10 was deleted before the second one
                ChangeEvent.snapshotBegin("db", "f", second, 0, SnapshotScope.whole()),
                new ChangeEvent("db", "f", ChangeEvent.Op.SNAPSHOT, second, 0, FACT, new String[] {"1", "10"})));
        assertThat(out).extracting(EnrichFactsTest::show).containsExactly(
                "SNAPSHOT_BEGIN []",
                "SNAPSHOT [1, 10, ten, null]",
                "SNAPSHOT_BEGIN []",  // the fact table's begin: enriched rows stored before it go
                "SNAPSHOT [1, 10, null, null]");  // nothing to retract: the new snapshot's changelog starts empty
        assertThat(out.get(2).table()).isEqualTo(ENRICHMENT.name());
        assertThat(out.get(2).position()).isEqualTo(second);
        assertThat(out.get(3).position()).isEqualTo(second);
    }

    @Test
    void aColumnAddedToTheFactTableReshapesEarlierEmissions() throws Exception {
        TableSchema wider = new TableSchema(List.of(FACT.columns().get(0), FACT.columns().get(1),
                new ColumnSchema("note", "VARCHAR", 10, -1, true, false, "n/a")));
        List<ChangeEvent> out = run(List.of(
                row("d1", D1, ChangeEvent.Op.INSERT, "10", null, "ten"),
                row("f", FACT, ChangeEvent.Op.INSERT, "1", "10"),
                row("f", wider, ChangeEvent.Op.INSERT, "2", "10", "hi"),
                row("d1", D1, ChangeEvent.Op.UPDATE, "10", null, "TEN")));
        assertThat(out).extracting(EnrichFactsTest::show).containsExactly(
                "INSERT [1, 10, ten, null]",
                "INSERT [2, 10, hi, ten, null]",
                "UPDATE [1, 10, n/a, TEN, null] was [1, 10, n/a, ten, null]",
                "UPDATE [2, 10, hi, TEN, null] was [2, 10, hi, ten, null]");
    }
}
