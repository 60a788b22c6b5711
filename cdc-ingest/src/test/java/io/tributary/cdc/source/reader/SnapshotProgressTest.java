package io.tributary.cdc.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotProgressTest {
    @Test
    void saysRowsEstimateRateAndTimeLeft() {
        assertThat(SnapshotProgress.line("shop.orders", 1_200_000, 2_000_000, 58_000))
                .isEqualTo("Snapshot of shop.orders: 1,200,000 of ~2,000,000 rows (60 %), 58,000 rows/s, about 14 s left");
    }

    @Test
    void anEstimateBelowTheRowsReadIsNotTrustedForTimeLeft() {
        assertThat(SnapshotProgress.line("shop.orders", 2_100_000, 2_000_000, 50_000))
                .isEqualTo("Snapshot of shop.orders: 2,100,000 rows (more than MySQL's estimate of ~2,000,000), 50,000 rows/s");
        // A stale statistic (information_schema's cache) gave this on a freshly loaded 1M-row table.
        assertThat(SnapshotProgress.line("bench.events", 890_381, 53, 89_038))
                .isEqualTo("Snapshot of bench.events: 890,381 rows (more than MySQL's estimate of ~53), 89,038 rows/s");
        assertThat(SnapshotProgress.line("shop.orders", 10, -1, 5)).isEqualTo("Snapshot of shop.orders: 10 rows, 5 rows/s");
    }

    /**
     * MySQL's estimates are asked for once a database, not once a table: asked per table, each time for the
     * whole database, a schema of 3,000 tables spent a quarter of its snapshot on the reader's thread there.
     */
    @Test
    void estimatesAreReadOnceForEveryTableOfADatabase() {
        java.util.List<String> asked = new java.util.ArrayList<>();
        SnapshotProgress progress = new SnapshotProgress(database -> {
            asked.add(database);
            return java.util.Map.of(database + ".a", 10L, database + ".b", 20L);
        });
        for (String table : java.util.List.of("shop.a", "shop.b", "shop.a", "shop.c", "crm.a", "crm.b")) {
            progress.snapshotRow(table);
        }
        assertThat(asked).containsExactly("shop", "crm");
        assertThat(progress.estimateOf("shop.b")).isEqualTo(20);
        assertThat(progress.estimateOf("shop.c")).as("not in MySQL's statistics").isEqualTo(-1);
        assertThat(progress.estimateOf("crm.a")).isEqualTo(10);
    }

    /** A table a resumed snapshot reads in part is counted against that part of the estimate, not the whole. */
    @Test
    void aTableReadInPartIsCountedAgainstItsShareOfTheEstimate() {
        SnapshotProgress progress = new SnapshotProgress(database -> java.util.Map.of("shop.orders", 400_000L,
                "shop.lines", 1_000L));
        progress.readsPart("shop.orders", 26 / 40.0);
        progress.readsPart("shop.lines", 1.0);
        progress.snapshotRow("shop.orders");
        progress.snapshotRow("shop.lines");
        assertThat(progress.estimateOf("shop.orders")).isEqualTo(260_000);
        assertThat(progress.estimateOf("shop.lines")).isEqualTo(1_000);
    }
}
