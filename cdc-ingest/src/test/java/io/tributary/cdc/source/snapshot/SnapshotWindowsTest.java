package io.tributary.cdc.source.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chunk engine's reconciliation of reads with the binlog, without a server: each rule of {@link SnapshotWindows}. */
class SnapshotWindowsTest {
    private static final String U = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    private static final SourcePosition P0 = SourcePosition.snapshot("binlog.000001", 100);
    private static final TableSchema KEYED = new TableSchema(List.of(
            new ColumnSchema("id", "BIGINT UNSIGNED", -1, -1, false, true), new ColumnSchema("v", "VARCHAR", 20, -1, true, false)));
    private static final TableSchema KEYLESS = new TableSchema(List.of(
            new ColumnSchema("note", "VARCHAR", 20, -1, true, false), new ColumnSchema("n", "INT", -1, -1, true, false)));

    private static SourcePosition at(long pos) {
        return SourcePosition.snapshot("binlog.000001", pos);
    }

    private static String gtid(int n) {
        return U + ":" + n;
    }

    private static GtidSet upTo(int n) {
        return GtidSet.parse(U + ":1-" + n);
    }

    private static ChangeEvent row(String id, String v) {
        return new ChangeEvent("d", "t", ChangeEvent.Op.SNAPSHOT, P0, 0, KEYED, new String[] {id, v});
    }

    private static ChangeEvent change(ChangeEvent.Op op, String id, String v) {
        return new ChangeEvent("d", "t", op, SourcePosition.binlog("binlog.000001", 500, 0), 0, KEYED, new String[] {id, v});
    }

    private static KeyOrder unsignedKey() {
        Table table = Table.editor().tableId(new TableId("d", null, "t"))
                .addColumns(Column.editor().name("id").type("BIGINT UNSIGNED").jdbcType(Types.BIGINT).create(),
                        Column.editor().name("v").type("VARCHAR").jdbcType(Types.VARCHAR).create())
                .setPrimaryKeyNames("id").create();
        return KeyOrder.of(table);
    }

    /** Chunks (-inf, 9223372036854775808] and (9223372036854775808, +inf): the bound is above Long.MAX_VALUE. */
    private static List<TableChunk> twoChunks() {
        String bound = "9223372036854775808";
        return List.of(new TableChunk("d.t", 0, null, null, new String[] {bound}, new Object[] {bound}),
                new TableChunk("d.t", 1, new String[] {bound}, new Object[] {bound}, null, null));
    }

    private static SnapshotWindows keyedTable() {
        SnapshotWindows w = new SnapshotWindows(P0);
        w.register("d.t");
        return w;
    }

    private static List<String> texts(List<ChangeEvent> events) {
        return events.stream().map(e -> e.op() == ChangeEvent.Op.SNAPSHOT_BEGIN
                ? "BEGIN " + e.qualifiedTable() + " " + e.scope() : e.op() + " " + Arrays.toString(e.values())).toList();
    }

    @Test
    void aChangeOutsideTheLowWatermarkIsAppliedToTheRowsAndTheRowsWaitForTheHighWatermark() {
        SnapshotWindows w = keyedTable();
        // Seen before the read, not in any GTID set read so far: kept for the chunk.
        assertThat(w.change(change(ChangeEvent.Op.UPDATE, "5", "new"), gtid(11), at(150)))
                .isEqualTo(SnapshotWindows.Decision.WITHHELD);
        w.plan("d.t", unsignedKey(), false, twoChunks());
        assertThat(w.start(twoChunks().get(0))).isTrue();
        w.read(new ChunkResult(twoChunks().get(0), List.of(row("5", "old"), row("6", "x")), upTo(10), upTo(11), at(300),
                false, null));
        assertThat(w.change(change(ChangeEvent.Op.DELETE, "6", "x"), gtid(12), at(200)))
                .as("a delete inside the window").isEqualTo(SnapshotWindows.Decision.WITHHELD);
        assertThat(w.handOut(at(299))).as("the binlog is not past H yet").isEmpty();
        assertThat(texts(w.handOut(at(300)))).containsExactly("BEGIN d.t whole table", "SNAPSHOT [5, new]");
        assertThat(w.change(change(ChangeEvent.Op.UPDATE, "5", "later"), gtid(13), at(310)))
                .isEqualTo(SnapshotWindows.Decision.PASS);
    }

    @Test
    void aChangeInTheLowWatermarkIsInTheRowsAlready() {
        SnapshotWindows w = keyedTable();
        w.plan("d.t", unsignedKey(), false, twoChunks());
        w.start(twoChunks().get(0));
        w.read(new ChunkResult(twoChunks().get(0), List.of(row("5", "seen")), upTo(11), upTo(11), at(300), false, null));
        // gtid 11 is in L: its (older) image must not replace the row read.
        w.change(change(ChangeEvent.Op.UPDATE, "5", "older"), gtid(11), at(200));
        assertThat(texts(w.handOut(at(300)))).containsExactly("BEGIN d.t whole table", "SNAPSHOT [5, seen]");
    }

    @Test
    void changesGoToTheChunkOfTheirKeyInUnsignedOrder() {
        SnapshotWindows w = keyedTable();
        w.plan("d.t", unsignedKey(), false, twoChunks());
        w.start(twoChunks().get(0));
        w.read(new ChunkResult(twoChunks().get(0), List.of(row("5", "a")), upTo(10), upTo(10), at(300), false, null));
        // 18446744073709551615 is in chunk 1 (unsigned), not chunk 0 (where a signed comparison would put it).
        w.change(change(ChangeEvent.Op.INSERT, "18446744073709551615", "top"), gtid(12), at(200));
        assertThat(texts(w.handOut(at(300)))).containsExactly("BEGIN d.t whole table", "SNAPSHOT [5, a]");
        w.start(twoChunks().get(1));
        w.read(new ChunkResult(twoChunks().get(1), List.of(), upTo(10), upTo(10), at(400), false, null));
        assertThat(texts(w.handOut(at(400)))).containsExactly("SNAPSHOT [18446744073709551615, top]");
        assertThat(w.finished()).isTrue();
    }

    /**
     * A table's begin goes out with its first chunk, at the snapshot's position, so the sinks sweep what an
     * earlier attempt stored before any of its rows land; an empty table gets one too (no row would tell
     * the sinks that rows stored before are gone), and a table gets exactly one.
     */
    @Test
    void aTableBeginsWithItsFirstChunkEvenWhenEmpty() {
        SnapshotWindows w = keyedTable();
        w.register("d.empty");
        w.plan("d.t", unsignedKey(), false, twoChunks());
        w.plan("d.empty", null, false, List.of(TableChunk.whole("d.empty")));
        w.start(twoChunks().get(0));
        w.read(new ChunkResult(twoChunks().get(0), List.of(), upTo(10), upTo(10), at(300), true, null));
        assertThat(texts(w.handOut(at(300)))).containsExactly("BEGIN d.t whole table");
        w.start(TableChunk.whole("d.empty"));
        w.read(new ChunkResult(TableChunk.whole("d.empty"), List.of(), upTo(10), upTo(10), at(300), true, null));
        List<ChangeEvent> out = w.handOut(at(300));
        assertThat(texts(out)).containsExactly("BEGIN d.empty whole table");
        assertThat(out.get(0).position()).isEqualTo(P0);
        w.start(twoChunks().get(1));
        w.read(new ChunkResult(twoChunks().get(1), List.of(row("7", "a")), upTo(10), upTo(10), at(300), true, null));
        assertThat(texts(w.handOut(at(300)))).containsExactly("SNAPSHOT [7, a]");
    }

    /**
     * A checkpoint keeps nothing of the snapshot while a chunk is unread when resuming is off (null: "new
     * pipeline"); once all are out, the chunks the binlog has not passed, which a restart's
     * {@link SnapshotTail} withholds exactly as the windows did.
     */
    @Test
    void theTailIsKeptOnceEveryChunkIsOutWhenResumingIsOff() {
        SnapshotWindows w = keyedTable();
        w.plan("d.t", unsignedKey(), false, twoChunks());
        assertThat(w.checkpoint(at(100), false)).isNull();
        w.start(twoChunks().get(0));
        w.read(new ChunkResult(twoChunks().get(0), List.of(row("5", "a")), upTo(10), upTo(10), at(300), true, null));
        w.handOut(at(120));
        assertThat(w.checkpoint(at(120), false)).as("chunk 1 is unread").isNull();
        w.start(twoChunks().get(1));
        w.read(new ChunkResult(twoChunks().get(1), List.of(), upTo(10), upTo(10), at(400), true, null));
        w.handOut(at(320));
        SnapshotWindows.Kept kept = w.checkpoint(at(320), false);
        assertThat(kept.unfinished()).isEmpty();
        assertThat(kept.tail()).extracting(io.tributary.cdc.source.split.BinlogSplit.PendingChunk::high)
                .containsExactly(at(400));
        SnapshotTail restored = new SnapshotTail(kept.tail());
        ChangeEvent top = change(ChangeEvent.Op.UPDATE, "18446744073709551615", "x");
        assertThat(restored.withholds(top, at(350))).isEqualTo(
                w.change(top, gtid(11), at(350)) == SnapshotWindows.Decision.WITHHELD).isTrue();
        assertThat(restored.withholds(change(ChangeEvent.Op.UPDATE, "5", "x"), at(350))).isFalse();
        assertThat(restored.withholds(top, at(400))).isFalse();
    }

    private static List<TableChunk> fourChunks() {
        return List.of(new TableChunk("d.t", 0, null, null, new String[] {"10"}, new Object[] {"10"}),
                new TableChunk("d.t", 1, new String[] {"10"}, new Object[] {"10"}, new String[] {"20"}, new Object[] {"20"}),
                new TableChunk("d.t", 2, new String[] {"20"}, new Object[] {"20"}, new String[] {"30"}, new Object[] {"30"}),
                new TableChunk("d.t", 3, new String[] {"30"}, new Object[] {"30"}, null, null));
    }

    /**
     * While chunks are unread, a resumable checkpoint keeps the tables not finished: a table keyed by integers
     * with its chunks, the tail of the chunks out, a table planned as one chunk
     * (or not planned yet) as whole.
     */
    @Test
    void aResumableCheckpointKeepsTheChunksDoneOfATableKeyedByIntegers() {
        SnapshotWindows w = keyedTable();
        w.register("d.other");
        w.plan("d.t", unsignedKey(), false, fourChunks());
        for (int i : new int[] {0, 1}) {
            w.start(fourChunks().get(i));
            w.read(new ChunkResult(fourChunks().get(i), List.of(row(Integer.toString(5 + 10 * i), "a")), upTo(10),
                    upTo(10), at(300 + i), true, null));
        }
        w.handOut(at(300));
        SnapshotWindows.Kept kept = w.checkpoint(at(300), true);
        assertThat(kept.tail()).extracting(io.tributary.cdc.source.split.BinlogSplit.PendingChunk::high)
                .containsExactly(at(301));
        io.tributary.cdc.source.split.BinlogSplit.UnfinishedTable t = kept.unfinished().stream()
                .filter(u -> u.table().equals("d.t")).findFirst().orElseThrow();
        assertThat(t.keyColumns()).containsExactly("id");
        assertThat(t.chunks()).containsExactly(
                new io.tributary.cdc.source.split.BinlogSplit.RestoredChunk(null, List.of("10"), true),
                new io.tributary.cdc.source.split.BinlogSplit.RestoredChunk(List.of("10"), List.of("20"), true),
                new io.tributary.cdc.source.split.BinlogSplit.RestoredChunk(List.of("20"), List.of("30"), false),
                new io.tributary.cdc.source.split.BinlogSplit.RestoredChunk(List.of("30"), null, false));
        assertThat(kept.unfinished().stream().filter(u -> u.table().equals("d.other")).findFirst().orElseThrow()
                .isWhole()).isTrue();
    }

    /**
     * A restored table: its done chunks' changes pass (the restored tail withheld those below their high
     * watermarks before), its unread chunks' are reconciled as ever, and its begin names only the key ranges
     * read again, so the sinks keep what the earlier run stored of the others.
     */
    @Test
    void aResumedTableReadsOnlyItsUnreadChunksAndBeginsWithTheirRanges() {
        SnapshotWindows w = new SnapshotWindows(P0, null, true);
        w.restore("d.t", unsignedKey(), fourChunks(), new boolean[] {true, false, false, true});
        assertThat(w.isReading("d.t")).isTrue();
        assertThat(w.change(change(ChangeEvent.Op.UPDATE, "5", "done"), gtid(11), at(150)))
                .isEqualTo(SnapshotWindows.Decision.PASS);
        assertThat(w.change(change(ChangeEvent.Op.UPDATE, "31", "done"), gtid(12), at(160)))
                .isEqualTo(SnapshotWindows.Decision.PASS);
        assertThat(w.change(change(ChangeEvent.Op.UPDATE, "15", "new"), gtid(13), at(170)))
                .isEqualTo(SnapshotWindows.Decision.WITHHELD);
        assertThat(w.start(fourChunks().get(0))).as("done before the restart").isFalse();
        w.start(fourChunks().get(1));
        w.read(new ChunkResult(fourChunks().get(1), List.of(row("15", "old")), upTo(10), upTo(10), at(300), false, null));
        assertThat(texts(w.handOut(at(300))))
                .containsExactly("BEGIN d.t [id] in (10, 30], 2 chunk(s) done before", "SNAPSHOT [15, new]");
        w.start(fourChunks().get(2));
        w.read(new ChunkResult(fourChunks().get(2), List.of(), upTo(13), upTo(13), at(310), true, null));
        assertThat(w.handOut(at(310))).isEmpty();
        assertThat(w.finished()).isTrue();
    }

    /**
     * In a resumed run, a table-wide statement below the snapshot's position happened while the pipeline was
     * down, before every read: a DROP ends the table's snapshot (the binlog says what it holds from there), a
     * TRUNCATE passes (the sinks hide everything older), and a RENAME stops for good (a restart would meet it
     * again), with what to do.
     */
    @Test
    void aResumedSnapshotMeetsWhatHappenedWhileItWasDown() {
        SnapshotWindows w = new SnapshotWindows(P0, null, true);
        w.restore("d.t", unsignedKey(), fourChunks(), new boolean[] {true, false, false, true});
        ChangeEvent truncate = new ChangeEvent("d", "t", ChangeEvent.Op.TRUNCATE, SourcePosition.binlog("binlog.000001",
                50, 0), 0, KEYED, new String[2]);
        assertThat(w.change(truncate, gtid(11), at(50))).isEqualTo(SnapshotWindows.Decision.PASS);
        assertThat(w.isReading("d.t")).isTrue();
        ChangeEvent drop = ChangeEvent.ddl("d", "t", SourcePosition.binlog("binlog.000001", 60, 0), 0, "DROP TABLE t");
        assertThat(w.change(drop, gtid(12), at(60))).isEqualTo(SnapshotWindows.Decision.PASS);
        assertThat(w.isReading("d.t")).isFalse();

        SnapshotWindows renamed = new SnapshotWindows(P0, null, true);
        renamed.restore("d.t", unsignedKey(), fourChunks(), new boolean[] {true, false, false, true});
        ChangeEvent rename = ChangeEvent.ddl("d", "t", SourcePosition.binlog("binlog.000001", 60, 0), 0,
                "RENAME TABLE t TO t_old, t_new TO t");
        assertThatThrownBy(() -> renamed.change(rename, gtid(12), at(60)))
                .isInstanceOf(org.apache.flink.runtime.execution.SuppressRestartsException.class)
                .hasStackTraceContaining("cannot resume").hasStackTraceContaining("remove its checkpoints");
    }

    @Test
    void aQuietReadGoesOutAtOnceAndLateChangesBeforeItsHighWatermarkAreDropped() {
        SnapshotWindows w = keyedTable();
        w.plan("d.t", null, false, List.of(TableChunk.whole("d.t")));
        w.start(TableChunk.whole("d.t"));
        w.read(new ChunkResult(TableChunk.whole("d.t"), List.of(row("1", "a")), upTo(10), upTo(10), at(300), true, null));
        assertThat(texts(w.handOut(at(120)))).containsExactly("BEGIN d.t whole table", "SNAPSHOT [1, a]");
        assertThat(w.finished()).as("the binlog has not passed H: late changes may still come").isFalse();
        assertThat(w.change(change(ChangeEvent.Op.UPDATE, "1", "a"), gtid(9), at(250)))
                .as("before H: in the rows").isEqualTo(SnapshotWindows.Decision.WITHHELD);
        assertThat(w.change(change(ChangeEvent.Op.UPDATE, "1", "b"), gtid(12), at(300)))
                .isEqualTo(SnapshotWindows.Decision.PASS);
        w.handOut(at(300));
        assertThat(w.finished()).isTrue();
        assertThat(w.isReading("d.t")).isFalse();
    }

    @Test
    void aKeylessTableIsAMultisetAndAnUncertainChangeMeansReadingAgain() {
        SnapshotWindows w = new SnapshotWindows(P0);
        w.register("d.n");
        TableChunk whole = TableChunk.whole("d.n");
        w.plan("d.n", null, true, List.of(whole));
        w.start(whole);
        ChangeEvent same = new ChangeEvent("d", "n", ChangeEvent.Op.SNAPSHOT, P0, 0, KEYLESS, new String[] {"a", "1"});
        w.read(new ChunkResult(whole, List.of(same, same), upTo(10), upTo(11), at(300), false, null));
        // Committed after the view opened (not in L, not in the set read at the view): applied.
        w.change(new ChangeEvent("d", "n", ChangeEvent.Op.DELETE, SourcePosition.binlog("binlog.000001", 200, 0), 0,
                KEYLESS, new String[] {"a", "1"}), gtid(12), at(200));
        w.change(new ChangeEvent("d", "n", ChangeEvent.Op.INSERT, SourcePosition.binlog("binlog.000001", 210, 0), 0,
                KEYLESS, new String[] {"b", "2"}), gtid(13), at(210));
        assertThat(texts(w.handOut(at(300)))).containsExactlyInAnyOrder("BEGIN d.n whole table", "SNAPSHOT [a, 1]",
                "SNAPSHOT [b, 2]");

        SnapshotWindows again = new SnapshotWindows(P0);
        again.register("d.n");
        again.plan("d.n", null, true, List.of(whole));
        for (int attempt = 1; attempt <= SnapshotWindows.KEYLESS_ATTEMPTS; attempt++) {
            assertThat(again.start(whole)).isTrue();
            again.read(new ChunkResult(whole, List.of(same), upTo(10), upTo(11), at(300), false, null));
            // gtid 11 committed around the view's opening: the view may or may not hold it.
            again.change(new ChangeEvent("d", "n", ChangeEvent.Op.INSERT, SourcePosition.binlog("binlog.000001", 200, 0),
                    0, KEYLESS, new String[] {"c", "3"}), gtid(11), at(200 + attempt));
            if (attempt < SnapshotWindows.KEYLESS_ATTEMPTS) {
                assertThat(again.takeReadAgain()).containsExactly(whole);
            }
        }
        assertThat(again.takeGivenUp()).extracting(g -> g[0]).containsExactly("d.n");
        assertThat(again.isReading("d.n")).isFalse();
    }

    @Test
    void aDdlOutsideTheLowWatermarkMeansReadingAgainAndATruncateStartsOver() {
        SnapshotWindows w = keyedTable();
        w.plan("d.t", null, false, List.of(TableChunk.whole("d.t")));
        w.start(TableChunk.whole("d.t"));
        w.read(new ChunkResult(TableChunk.whole("d.t"), List.of(row("1", "a")), upTo(10), upTo(10), at(300), false, null));
        ChangeEvent ddl = ChangeEvent.ddl("d", "t", SourcePosition.binlog("binlog.000001", 200, 0), 0,
                "ALTER TABLE t ADD COLUMN w INT");
        assertThat(w.change(ddl, gtid(12), at(200))).as("a DDL always passes").isEqualTo(SnapshotWindows.Decision.PASS);
        assertThat(w.takeReadAgain()).containsExactly(TableChunk.whole("d.t"));
        assertThat(w.handOut(at(400))).isEmpty();
        ChangeEvent truncate = new ChangeEvent("d", "t", ChangeEvent.Op.TRUNCATE, SourcePosition.binlog("binlog.000001", 410, 0),
                0, KEYED, new String[2]);
        assertThatThrownBy(() -> w.change(truncate, gtid(13), at(410))).hasMessageContaining("snapshot is taken again");
        SnapshotWindows before = keyedTable();
        before.plan("d.t", null, false, List.of(TableChunk.whole("d.t")));
        assertThat(before.change(truncate, gtid(13), at(90))).as("before the snapshot's position: before every read")
                .isEqualTo(SnapshotWindows.Decision.PASS);
    }
}
