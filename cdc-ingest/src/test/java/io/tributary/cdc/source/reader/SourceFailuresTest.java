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
    void otherFailuresAreRestarted() {
        RuntimeException e = SourceFailures.classify(new RuntimeException("Communications link failure"), null, null);
        assertThat(e).isNotInstanceOf(SuppressRestartsException.class).hasMessageContaining("Communications link failure");
    }
}
