package io.tributary.cdc.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourcePositionTest {
    @Test
    void snapshotSortsBeforeEveryBinlogEventAtOrAfterItsPosition() {
        SourcePosition snapshot = SourcePosition.snapshot("binlog.000002", 1000);
        assertThat(SourcePosition.binlog("binlog.000002", 1000, 0)).isGreaterThan(snapshot);
        assertThat(SourcePosition.binlog("binlog.000002", 999, 5)).isLessThan(snapshot);
        assertThat(SourcePosition.binlog("binlog.000003", 4, 0)).isGreaterThan(SourcePosition.binlog("binlog.000002", 4_000_000_000L, 9));
    }

    @Test
    void rowsWithinOneEventAreOrdered() {
        assertThat(SourcePosition.binlog("binlog.000001", 500, 1)).isGreaterThan(SourcePosition.binlog("binlog.000001", 500, 0));
    }

    @Test
    void versionTextRoundTripsThroughUInt128() {
        SourcePosition p = SourcePosition.binlog("mysql-bin.999999", 0xFFFF_FFFFL, 70_000);
        assertThat(SourcePosition.fromVersionString(p.toVersionString())).isEqualTo(p);
        assertThat(SourcePosition.snapshot("binlog.000001", 4).toVersionString()).isEqualTo("79228162588051313888382156800");
    }

    @Test
    void rejectsNamesWithoutSequenceNumber() {
        assertThatThrownBy(() -> SourcePosition.snapshot("binlog", 4)).hasMessageContaining("'binlog'");
    }

    @Test
    void aHigherEpochSortsAfterEveryPositionOfTheEpochsBefore() {
        SourcePosition before = SourcePosition.binlog("binlog.16777215", 0xFFFF_FFFFL, 70_000);
        SourcePosition after = SourcePosition.snapshot("binlog.000001", 4).withEpoch(1);
        assertThat(after).isGreaterThan(before);
        assertThat(after.epoch()).isEqualTo(1);
        assertThat(after.binlogFileIndex()).isEqualTo(1);
        assertThat(after.eventPosition()).isEqualTo(4);
        assertThat(after.toString()).isEqualTo("epoch 1 binlog.000001:4 (snapshot)");
        assertThat(before.toString()).isEqualTo("binlog.16777215:4294967295 row 70000");
        SourcePosition last = SourcePosition.binlog("binlog.000002", 9, 3).withEpoch(SourcePosition.MAX_EPOCH);
        assertThat(SourcePosition.fromVersionString(last.toVersionString())).isEqualTo(last);
        assertThat(last.withEpoch(0)).isEqualTo(SourcePosition.binlog("binlog.000002", 9, 3));
        assertThatThrownBy(() -> last.withEpoch(128)).hasMessageContaining("epoch 128 is out of range 0..127");
        assertThatThrownBy(() -> SourcePosition.snapshot("binlog.16777216", 4)).hasMessageContaining("numbered beyond 16777215");
    }

    @Test
    void rowsOfACompressedPayloadSortByEventThenRow() {
        // binlog_transaction_compression: every inner event has the payload's position; rows restart per event.
        SourcePosition insertRow1 = SourcePosition.binlog("binlog.000002", 203_613, 0, 1);
        SourcePosition updateRow0 = SourcePosition.binlog("binlog.000002", 203_613, 1, 0);
        SourcePosition updateRow1 = SourcePosition.binlog("binlog.000002", 203_613, 1, 1);
        assertThat(updateRow0).isGreaterThan(insertRow1);
        assertThat(updateRow1).isGreaterThan(updateRow0);
        assertThat(SourcePosition.binlog("binlog.000002", 203_614, 0, 0)).isGreaterThan(updateRow1);
        assertThat(SourcePosition.binlog("binlog.000002", 203_613, 0, 1)).as("event 0: the encoding of any other event")
                .isEqualTo(SourcePosition.binlog("binlog.000002", 203_613, 1));
        assertThat(SourcePosition.fromVersionString(updateRow1.toVersionString())).isEqualTo(updateRow1);
        assertThat(updateRow1.toString()).isEqualTo("binlog.000002:203613 event 1 row 1");
        assertThatThrownBy(() -> SourcePosition.binlog("binlog.000002", 4, -1, 0)).hasMessageContaining("event index -1");
    }
}
