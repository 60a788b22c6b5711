package io.tributary.cdc.debezium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.debezium.data.Envelope.Operation;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.spi.schema.DataCollectionId;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class CommonEventMeterReplacementTest {

    @Test
    void writtenForTheDebeziumVersionInUse() {
        // The replacement mirrors 3.6.1's API. On an upgrade: if the release has debezium/dbz#2492 (LastEvent
        // rendered without an ObjectMapper per event), delete cdc-ingest's CommonEventMeter and app/pom.xml's
        // filter for it; otherwise compare the new class's API with the replacement's, then update this version.
        assertEquals("3.6.1.Final", io.debezium.connector.mysql.Module.version());
    }

    @Test
    void theReplacementIsTheClassLoaded() {
        String location = CommonEventMeter.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertFalse(location.contains("debezium-connector-common"), "Debezium's CommonEventMeter was loaded from " + location);
    }

    @Test
    void rendersTheLastEventOnlyWhenRead() {
        AtomicInteger rendered = new AtomicInteger();
        long[] now = {1_000};
        CommonEventMeter meter = new CommonEventMeter(() -> now[0], new CountingProvider(rendered));

        meter.onEvent(null, null, "k1", null, Operation.CREATE);
        meter.onEvent(null, null, "k2", null, Operation.UPDATE);
        meter.onEvent(null, null, "k3", null, Operation.DELETE);
        meter.onEvent(null, null, "k4", null, Operation.READ);
        meter.onFilteredEvent(Operation.CREATE);
        meter.onErroneousEvent();
        assertEquals(0, rendered.get(), "events must not be rendered as they happen");

        now[0] = 1_250;
        assertEquals("summary of k4", meter.getLastEvent());
        assertEquals(1, rendered.get());
        assertEquals(6, meter.getTotalNumberOfEventsSeen());
        assertEquals(2, meter.getTotalNumberOfCreateEventsSeen());
        assertEquals(1, meter.getTotalNumberOfUpdateEventsSeen());
        assertEquals(1, meter.getTotalNumberOfDeleteEventsSeen());
        assertEquals(1, meter.getNumberOfEventsFiltered());
        assertEquals(1, meter.getNumberOfErroneousEvents());
        assertEquals(250, meter.getMilliSecondsSinceLastEvent());

        meter.reset();
        assertEquals(null, meter.getLastEvent());
        assertEquals(0, meter.getTotalNumberOfEventsSeen());
        assertEquals(-1, meter.getMilliSecondsSinceLastEvent());
    }

    private record CountingProvider(AtomicInteger rendered) implements EventMetadataProvider {
        @Override
        public Instant getEventTimestamp(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return null;
        }

        @Override
        public Map<String, String> getEventSourcePosition(DataCollectionId source, OffsetContext offset, Object key,
                                                          Struct value) {
            return Map.of();
        }

        @Override
        public String getTransactionId(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return null;
        }

        @Override
        public String toSummaryString(DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            rendered.incrementAndGet();
            return "summary of " + key;
        }
    }
}
