package io.tributary.cdc.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BinlogRetentionTest {
    @Test
    void rdsNullPurgesAsSoonAsPossibleAndIsAlwaysWarnedAbout() {
        BinlogRetention rds = BinlogRetention.fromRds(null);
        assertThat(rds.seconds()).isEqualTo(BinlogRetention.AS_SOON_AS_POSSIBLE);
        assertThat(rds.warning(10, "db:3306")).contains("as soon as no replica needs it")
                .contains("binlog retention hours").contains("CALL mysql.rds_set_configuration('binlog retention hours', 168);");
        assertThat(BinlogRetention.fromRds("NULL").seconds()).isEqualTo(BinlogRetention.AS_SOON_AS_POSSIBLE);
    }

    @Test
    void retentionMustCoverThreeSnapshotsAndAtLeastAnHour() {
        BinlogRetention day = BinlogRetention.fromRds("24");
        assertThat(day.seconds()).isEqualTo(86_400);
        assertThat(day.warning(2_000_000_000L, "db:3306"))
                .as("two billion rows: ~12 h at 45k rows/s, 3 x that is more than a day")
                .contains("keeps binlog files for 24 h").contains("may take 12.3 h").contains("at least 37.0 h");
        assertThat(day.warning(1_000_000_000L, "db:3306")).as("~6 h, 3 x that fits in a day").isNull();
        BinlogRetention tenMinutes = new BinlogRetention(600, "binlog_expire_logs_seconds",
                "SET PERSIST binlog_expire_logs_seconds = 604800;");
        assertThat(tenMinutes.warning(1_000, "db:3306")).as("restarts need an hour's margin")
                .contains("10 min").contains("at least 1 h").contains("SET PERSIST binlog_expire_logs_seconds = 604800;");
        assertThat(tenMinutes.warning(0, "db:3306")).as("no snapshot: only restarts").doesNotContain("snapshot of")
                .contains("after a restart");
        assertThat(new BinlogRetention(BinlogRetention.FOREVER, "binlog_expire_logs_seconds", "")
                .warning(Long.MAX_VALUE / 2, "db:3306")).isNull();
    }
}
