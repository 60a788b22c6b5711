package io.tributary.cdc.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.source.split.BinlogSplit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinlogNumberingTest {
    private static Map<String, Long> logs(Object... nameAndSize) {
        Map<String, Long> logs = new LinkedHashMap<>();
        for (int i = 0; i < nameAndSize.length; i += 2) {
            logs.put((String) nameAndSize[i], ((Number) nameAndSize[i + 1]).longValue());
        }
        return logs;
    }

    @Test
    void theServerThatWroteThePositionPasses() {
        Map<String, Long> logs = logs("binlog.000007", 1_073_741_824L, "binlog.000008", 5_000L);
        assertThat(BinlogNumbering.problem("binlog.000008", 4_200, logs)).isEmpty();  // still being written
        assertThat(BinlogNumbering.problem("binlog.000007", 900_000, logs)).isEmpty(); // an older file still listed
        assertThat(BinlogNumbering.problem("binlog.000003", 900_000, logs)).isEmpty(); // purged since: Debezium reports it
        assertThat(BinlogNumbering.problem("binlog.000008", 4_200, Map.of())).isEmpty(); // binary logging off: not ours to say
    }

    @Test
    void aNumberingBehindTheStoredPositionIsRefusedWithTheRecovery() {
        // RESET MASTER, or a switch by GTID set to a server with fewer binlog files.
        assertThat(BinlogNumbering.problem("binlog.000042", 1_234, logs("binlog.000001", 157L, "binlog.000002", 9_000L)))
                .hasValueSatisfying(message -> assertThat(message)
                        .contains("numbers its binlog files behind the stored position binlog.000042:1234")
                        .contains("binlog.000001, binlog.000002").contains("RESET MASTER")
                        .contains("delete its state directory (state.dir)"));
        // The newest file has the stored index but another base name: a new numbering too.
        assertThat(BinlogNumbering.problem("binlog.000005", 1_234, logs("mysql-bin.000005", 9_000L))).isPresent();
    }

    @Test
    void aListedFileShorterThanTheStoredPositionIsAnotherFile() {
        assertThat(BinlogNumbering.problem("binlog.000002", 50_000, logs("binlog.000001", 157L, "binlog.000002", 9_000L)))
                .hasValueSatisfying(message -> assertThat(message)
                        .contains("has binlog.000002 with 9000 bytes, shorter than the stored position binlog.000002:50000"));
    }

    @Test
    void longListsAreShortened() {
        Map<String, Long> logs = logs("binlog.000001", 1L, "binlog.000002", 1L, "binlog.000003", 1L, "binlog.000004", 1L,
                "binlog.000005", 1L);
        assertThat(BinlogNumbering.problem("binlog.000009", 1, logs))
                .hasValueSatisfying(message -> assertThat(message).contains("(its files: binlog.000001, ..., binlog.000005)"));
    }

    private static BinlogSplit stored(String serverUuid, int epoch) {
        return new BinlogSplit("k", "{\"file\":\"binlog.000120\",\"pos\":5000}", List.of(), Map.of(), serverUuid, epoch);
    }

    /**
     * A failover by GTID set to a server whose numbering overlaps the stored position (its
     * binlog.000120 is longer than 5000 bytes): nothing in the numbering tells, the server_uuid does.
     * Its positions would sort before the stored one, so they go into the next epoch.
     */
    @Test
    void anotherServerWithGtidsIsReadInTheNextEpoch() {
        BinlogNumbering.Server promoted = new BinlogNumbering.Server("uuid-b", true, logs("binlog.000120", 90_000L));
        BinlogNumbering.Decision decision = BinlogNumbering.decide(stored("uuid-a", 2), promoted, "binlog.000120", "5000");
        assertThat(decision.problem()).isEmpty();
        assertThat(decision.reading()).isEqualTo(new BinlogNumbering.Reading("uuid-b", 3, true));
        // Numbered behind the stored position, as a promoted replica usually is: the same.
        BinlogNumbering.Server behind = new BinlogNumbering.Server("uuid-b", true, logs("binlog.000001", 157L));
        assertThat(BinlogNumbering.decide(stored("uuid-a", 0), behind, "binlog.000120", "5000").reading())
                .isEqualTo(new BinlogNumbering.Reading("uuid-b", 1, true));
    }

    @Test
    void theSameServerKeepsItsEpochAndIsCheckedForRenumbering() {
        BinlogNumbering.Server same = new BinlogNumbering.Server("uuid-a", true, logs("binlog.000120", 90_000L));
        assertThat(BinlogNumbering.decide(stored("uuid-a", 2), same, "binlog.000120", "5000").reading())
                .isEqualTo(new BinlogNumbering.Reading("uuid-a", 2, true));
        BinlogNumbering.Server reset = new BinlogNumbering.Server("uuid-a", true, logs("binlog.000001", 157L));
        assertThat(BinlogNumbering.decide(stored("uuid-a", 2), reset, "binlog.000120", "5000").problem())
                .hasValueSatisfying(message -> assertThat(message).contains("RESET MASTER"));
        // State from before the server was kept: checked like the same server, and the server is kept from now on.
        assertThat(BinlogNumbering.decide(stored(null, 0), same, "binlog.000120", "5000").reading())
                .isEqualTo(new BinlogNumbering.Reading("uuid-a", 0, true));
        assertThat(BinlogNumbering.decide(stored(null, 0), reset, "binlog.000120", "5000").problem()).isPresent();
    }

    @Test
    void anotherServerWithoutGtidsOrWithoutEpochsLeftIsRefused() {
        BinlogNumbering.Server noGtids = new BinlogNumbering.Server("uuid-b", false, logs("binlog.000120", 90_000L));
        assertThat(BinlogNumbering.decide(stored("uuid-a", 0), noGtids, "binlog.000120", "5000").problem())
                .hasValueSatisfying(message -> assertThat(message).contains("server_uuid uuid-b")
                        .contains("read from uuid-a").contains("GTIDs off").contains("delete its state directory"));
        BinlogNumbering.Server promoted = new BinlogNumbering.Server("uuid-b", true, logs("binlog.000120", 90_000L));
        assertThat(BinlogNumbering.decide(stored("uuid-a", 127), promoted, "binlog.000120", "5000").problem())
                .hasValueSatisfying(message -> assertThat(message).contains("no epoch left"));
    }
}
