package io.tributary.cdc.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import io.tributary.cdc.source.TableControl;
import io.tributary.cdc.source.split.BinlogSplit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which rows pass while tables are parked, requested, resynced; when a resync is recorded as done. */
class ParkedTablesTest {
    private static final TableSchema SCHEMA = new TableSchema(List.of(new ColumnSchema("id", "INT", 0, 0, false, true)));

    private final RecordingControl control = new RecordingControl();
    private final ParkedTables parked = new ParkedTables(control, () -> {});

    @AfterEach
    void close() {
        parked.close();
    }

    @Test
    void rowsOfATableParkedHereAreSkippedAndOthersPass() {
        parked.park("shop.orders", Map.of("file", "binlog.000003", "pos", 1234L), new IllegalStateException("bad date"));
        assertThat(control.parked).containsExactly("shop.orders@binlog.000003:1234: bad date");
        assertThat(parked.passes(row("orders", 5000))).isFalse();
        assertThat(parked.passes(row("customers", 5000))).isTrue();
        assertThat(parked.passes(ChangeEvent.ddl("shop", "orders", position(5001), 0, "ALTER TABLE orders ADD x INT")))
                .as("DDL of a parked table still applies").isTrue();
    }

    @Test
    void tablesParkedBySinkAreSkippedUntilTheirResync() {
        control.set("shop.orders", TableControl.State.PARKED, 100);
        parked.refresh();
        assertThat(parked.passes(row("orders", 5000))).isFalse();
        assertThat(parked.resyncRequested()).isFalse();

        control.set("shop.orders", TableControl.State.RESYNC_REQUESTED, 200);
        parked.refresh();
        assertThat(parked.resyncRequested()).isTrue();
        assertThat(parked.passes(row("orders", 5000))).as("still parked until the resync ran").isFalse();

        // The resync ran (restored from a checkpoint here) and read at 6000: older binlog rows are skipped.
        parked.restore(Map.of("shop.orders", new BinlogSplit.Resync(200, SourcePosition.snapshot("binlog.000001", 6000))));
        assertThat(parked.resyncRequested()).isFalse();
        assertThat(parked.passes(row("orders", 5999))).isFalse();
        assertThat(parked.passes(row("orders", 6000))).isTrue();
        assertThat(parked.passes(row("orders", 7000))).isTrue();

        // Parked again after the resync (a newer event): skipped again.
        control.set("shop.orders", TableControl.State.PARKED, 300);
        parked.refresh();
        assertThat(parked.passes(row("orders", 8000))).isFalse();
    }

    @Test
    void aResyncIsRecordedOnlyOnceACheckpointHoldingItCompleted() {
        control.set("shop.orders", TableControl.State.RESYNC_REQUESTED, 200);
        parked.refresh();
        parked.resyncsForCheckpoint(1);
        parked.checkpointCompleted(1);
        assertThat(control.resynced).isEmpty();

        parked.restore(Map.of("shop.orders", new BinlogSplit.Resync(200, SourcePosition.snapshot("binlog.000001", 6000))));
        Map<String, BinlogSplit.Resync> held = parked.resyncsForCheckpoint(2);
        assertThat(held).containsKey("shop.orders");
        assertThat(control.resynced).isEmpty();
        parked.checkpointCompleted(2);
        assertThat(control.resynced).containsExactly("shop.orders@200");

        // A newer request is not answered by the old resync.
        control.set("shop.orders", TableControl.State.RESYNC_REQUESTED, 400);
        parked.refresh();
        parked.resyncsForCheckpoint(3);
        parked.checkpointCompleted(3);
        assertThat(control.resynced).containsExactly("shop.orders@200");
        assertThat(parked.resyncRequested()).isTrue();
    }

    @Test
    void aRunningResyncLetsItsTableThroughAndRecordsItsPositionWhenDone() {
        control.set("shop.orders", TableControl.State.RESYNC_REQUESTED, 200);
        parked.refresh();
        assertThat(parked.passes(row("orders", 5000))).as("requested, not started: skipped").isFalse();

        ParkedTables.Request request = parked.startRequestedResync();
        assertThat(request).isEqualTo(new ParkedTables.Request("shop.orders", 200));
        assertThat(parked.startRequestedResync()).as("one at a time").isNull();
        assertThat(parked.resyncRequested()).isFalse();
        assertThat(parked.passes(row("orders", 5000))).as("its re-read runs: the reader withholds what it covers").isTrue();

        parked.resyncFinished(SourcePosition.snapshot("binlog.000001", 6000), 10);
        assertThat(parked.resyncing()).isFalse();
        assertThat(parked.passes(row("orders", 5999))).as("before the re-read's position: in its rows").isFalse();
        assertThat(parked.passes(row("orders", 6000))).isTrue();
        assertThat(parked.resyncsForCheckpoint(1)).containsKey("shop.orders");
        parked.checkpointCompleted(1);
        assertThat(control.resynced).containsExactly("shop.orders@200");
    }

    @Test
    void aResyncGivenUpOrParkedAgainLeavesItsTableSkipped() {
        control.set("shop.orders", TableControl.State.RESYNC_REQUESTED, 200);
        parked.refresh();
        parked.startRequestedResync();
        parked.resyncAgain("TRUNCATE TABLE orders while it was read");
        assertThat(parked.resyncing()).isFalse();
        assertThat(parked.passes(row("orders", 5000))).as("skipped until the resync starts over").isFalse();
        assertThat(parked.startRequestedResync()).as("the request stays").isNotNull();

        parked.park("shop.orders", "resync", new IllegalStateException("bad date"));
        assertThat(parked.resyncing()).as("a table parked again ends its re-read").isFalse();
        assertThat(parked.passes(row("orders", 5000))).isFalse();
        parked.resyncsForCheckpoint(1);
        parked.checkpointCompleted(1);
        assertThat(control.resynced).as("nothing recorded as done").isEmpty();
    }

    @Test
    void withoutTableControlNothingIsParked() {
        ParkedTables none = new ParkedTables(TableControl.NONE, () -> {});
        assertThat(none.canPark()).isFalse();
        assertThat(none.passes(row("orders", 1))).isTrue();
        none.close();
    }

    private static SourcePosition position(long pos) {
        return SourcePosition.binlog("binlog.000001", pos, 0);
    }

    private static ChangeEvent row(String table, long pos) {
        return new ChangeEvent("shop", table, ChangeEvent.Op.INSERT, position(pos), 0, SCHEMA, new String[] {"1"});
    }

    /** Keeps states in memory, as ClickHouse would, and records what the source reported. */
    private static final class RecordingControl implements TableControl {
        final Map<String, TableState> states = new HashMap<>();
        final List<String> parked = new ArrayList<>();
        final List<String> resynced = new ArrayList<>();

        synchronized void set(String table, State state, long at) {
            states.put(table, new TableState(state, at, "", ""));
        }

        @Override
        public synchronized Map<String, TableState> states() {
            return Map.copyOf(states);
        }

        @Override
        public synchronized void park(String table, String position, String error) {
            parked.add(table + "@" + position + ": " + error);
            states.put(table, new TableState(State.PARKED, System.currentTimeMillis(), position, error));
        }

        @Override
        public void resynced(String table, long requestedAtMs, String position) {
            resynced.add(table + "@" + requestedAtMs);
        }
    }
}
