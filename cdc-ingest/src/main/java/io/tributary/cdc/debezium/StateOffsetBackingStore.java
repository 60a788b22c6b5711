package io.tributary.cdc.debezium;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset store, seeded from the Flink checkpoint. Offsets Debezium commits itself are
 * ignored: the position that counts is the one the Flink checkpoint holds, taken in step with
 * the records already handed to Flink.
 */
public final class StateOffsetBackingStore extends MemoryOffsetBackingStore {
    private String engineId;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        engineId = config.originalsStrings().get(EngineStateRegistry.ID_PROPERTY);
    }

    @Override
    public synchronized void start() {
        super.start();
        EngineStateRegistry.EngineState state = EngineStateRegistry.get(engineId);
        if (state.offsetKey() != null) {
            data.put(ByteBuffer.wrap(state.offsetKey().getBytes(StandardCharsets.UTF_8)),
                    ByteBuffer.wrap(state.offsetValue().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
