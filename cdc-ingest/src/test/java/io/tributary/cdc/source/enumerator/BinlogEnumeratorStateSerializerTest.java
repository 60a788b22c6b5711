package io.tributary.cdc.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.source.split.BinlogSplit;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinlogEnumeratorStateSerializerTest {
    @Test
    void roundTripsAssignedAndUnassignedStates() throws Exception {
        BinlogEnumeratorStateSerializer s = new BinlogEnumeratorStateSerializer();
        BinlogEnumeratorState pending = new BinlogEnumeratorState(List.of(new BinlogSplit("k", "v", List.of("h"))));
        BinlogEnumeratorState assigned = new BinlogEnumeratorState(List.of());
        assertThat(s.deserialize(s.getVersion(), s.serialize(pending))).isEqualTo(pending);
        assertThat(s.deserialize(s.getVersion(), s.serialize(assigned))).isEqualTo(assigned);
        assertThat(s.deserialize(s.getVersion(), s.serialize(BinlogEnumeratorState.initial(2))))
                .isEqualTo(BinlogEnumeratorState.initial(2));
    }
}
