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
}
