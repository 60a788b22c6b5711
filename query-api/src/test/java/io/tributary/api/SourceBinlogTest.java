package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceBinlogTest {
    @Test
    void warnsWhenTheNeededFileIsGoneOrLagNearsRetention() {
        SourceBinlog binlog = new SourceBinlog(3600, 5, 9, null);
        assertThat(binlog.warnings(4, 0)).singleElement().asString().contains("no longer has binlog file 4")
                .contains("new snapshot");
        assertThat(binlog.warnings(6, 1_900_000)).singleElement().asString().contains("1900 s behind")
                .contains("3600 s");
        assertThat(binlog.warnings(6, 1_700_000)).as("under half the retention").isEmpty();
        assertThat(binlog.warnings(9, 10_000_000)).as("reading the newest file: idle, not behind").isEmpty();
        assertThat(new SourceBinlog(0, 5, 9, null).warnings(6, 10_000_000)).as("binlogs kept forever").isEmpty();
        assertThat(SourceBinlog.unknown("down").warnings(1, 10_000_000)).isEmpty();
        assertThat(binlog.warnings(-1, 10_000_000)).as("nothing applied yet").isEmpty();
    }

    @Test
    void snapshotProgressComparesWithMySqlsEstimate() {
        SourceBinlog binlog = new SourceBinlog(0, 1, 1, java.util.Map.of("shop.orders", 2_000_000L), null);
        assertThat(binlog.snapshotProgress("shop.orders", 1_200_000, 50_000))
                .containsEntry("rows_done", 1_200_000L).containsEntry("rows_estimate", 2_000_000L).containsEntry("eta_s", 16L);
        assertThat(binlog.snapshotProgress("shop.orders", 2_100_000, 50_000)).containsEntry("eta_s", null);
        assertThat(binlog.snapshotProgress("shop.other", 10, 5)).containsEntry("rows_estimate", null)
                .containsEntry("eta_s", null);
    }
}
