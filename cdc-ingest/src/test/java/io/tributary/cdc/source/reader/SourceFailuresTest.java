package io.tributary.cdc.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;

class SourceFailuresTest {
    @Test
    void purgedBinlogStopsForGoodWithThePositionAndTheRecovery() {
        Exception debezium = new IllegalStateException("Debezium stopped", new RuntimeException(
                "The connector is trying to read binlog starting at ... but this is no longer available on the server."));
        RuntimeException e = SourceFailures.classify(debezium, null,
                "{\"transaction_id\":null,\"file\":\"binlog.000002\",\"pos\":2254,\"gtids\":\"x:1-5\"}");
        assertThat(e).isInstanceOf(SuppressRestartsException.class);
        assertThat(e.getCause().getMessage()).contains("MySQL no longer has the binlog at the stored position binlog.000002:2254")
                .contains("delete its state directory (state.dir)");
        RuntimeException gtid = SourceFailures.classify(new RuntimeException("Some GTIDs needed have been purged"),
                Map.of("file", "binlog.000009", "pos", 4), null);
        assertThat(gtid).isInstanceOf(SuppressRestartsException.class);
        assertThat(gtid.getCause().getMessage()).contains("binlog.000009:4");
    }

    @Test
    void aServerBehindTheStoredGtidsStopsForGoodWithTheRecovery() {
        RuntimeException e = SourceFailures.classify(new RuntimeException("binlog error", new RuntimeException(
                "Slave has more GTIDs than the master has, using the master's SERVER_UUID. This may indicate that ...")),
                null, null);
        assertThat(e).isInstanceOf(SuppressRestartsException.class);
        assertThat(e.getCause().getMessage()).contains("server was switched to one that is behind")
                .contains("delete its state directory (state.dir)").contains("Slave has more GTIDs");
    }

    @Test
    void aPartialRowImageStopsForGoodNamingTheTableTheSettingAndTheRecovery() {
        // What Debezium 3.6.1 throws for an UPDATE written under SET SESSION binlog_row_image = MINIMAL.
        RuntimeException e = SourceFailures.classify(new IllegalStateException("Debezium stopped", new RuntimeException(
                "Error processing binlog event", new RuntimeException("Error processing row in minimal, internal schema "
                        + "size 3, but row size 1 , restart connector with schema recovery mode."))),
                Map.of("file", "binlog.000002", "pos", 13330L), null);
        assertThat(e).isInstanceOf(SuppressRestartsException.class);
        assertThat(e.getCause().getMessage()).contains("table 'minimal'").contains("after binlog.000002:13330")
                .contains("holds 1 of its 3 columns").contains("binlog_row_image = MINIMAL or NOBLOB")
                .contains("REVOKE").contains("delete its state directory (state.dir)");
    }

    @Test
    void otherFailuresAreRestarted() {
        RuntimeException e = SourceFailures.classify(new RuntimeException("Communications link failure"), null, null);
        assertThat(e).isNotInstanceOf(SuppressRestartsException.class).hasMessageContaining("Communications link failure");
    }
}
