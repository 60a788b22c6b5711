package io.tributary.cdc.debezium;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands state between a source reader and the offset store and schema history that Debezium
 * instantiates by class name. Keyed by an id unique per reader instance.
 */
public final class EngineStateRegistry {
    static final String ID_PROPERTY = "tributary.engine.id";
    private static final Map<String, EngineState> STATES = new ConcurrentHashMap<>();

    private EngineStateRegistry() {}

    public static void register(String id, EngineState state) {
        STATES.put(id, state);
    }

    public static void unregister(String id) {
        STATES.remove(id);
    }

    static EngineState get(String id) {
        EngineState s = STATES.get(id);
        if (s == null) {
            throw new IllegalStateException("no engine state registered for " + id);
        }
        return s;
    }

    /** Offsets to start from, and the schema history Debezium appends to. */
    public static final class EngineState {
        private final String offsetKey;
        private final String offsetValue;
        private final List<String> history;
        private volatile java.util.function.Consumer<PartialRowChange> partialChanges = change ->
                org.slf4j.LoggerFactory.getLogger(EngineStateRegistry.class).error(change.message());

        public EngineState(String offsetKey, String offsetValue, List<String> history) {
            this.offsetKey = offsetKey;
            this.offsetValue = offsetValue;
            this.history = new ArrayList<>(history);
        }

        String offsetKey() { return offsetKey; }

        String offsetValue() { return offsetValue; }

        synchronized void appendHistory(String record) {
            history.add(record);
        }

        public synchronized List<String> history() {
            return List.copyOf(history);
        }

        /** Who is told of a change that does not carry whole rows (called on the binlog client's thread). */
        public void onPartialChange(java.util.function.Consumer<PartialRowChange> listener) {
            this.partialChanges = listener;
        }

        void partialChange(PartialRowChange change) {
            partialChanges.accept(change);
        }
    }
}
