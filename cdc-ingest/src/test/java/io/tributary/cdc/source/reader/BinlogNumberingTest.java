package io.tributary.cdc.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
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
}
