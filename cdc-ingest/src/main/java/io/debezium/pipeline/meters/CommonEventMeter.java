package io.debezium.pipeline.meters;

import io.debezium.data.Envelope.Operation;
import io.debezium.pipeline.metrics.traits.CommonEventMetricsMXBean;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.spi.schema.DataCollectionId;
import io.debezium.util.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;

/**
 * Tributary's replacement for Debezium 3.6.1's class of the same name (the shaded jar leaves
 * Debezium's out; {@code CommonEventMeterReplacementTest} checks which one is loaded and fails on
 * another Debezium version). Debezium's renders every event into the JMX {@code LastEvent} text as
 * it happens, building three Jackson {@code ObjectMapper}s per row: in a JFR profile that was 14 %
 * of the pipeline's CPU and a third of the time of Debezium's single snapshot and binlog threads
 * (fixed upstream by debezium/dbz#2492, in no release Maven Central serves for the MySQL connector
 * yet). This one keeps the last event and renders it only when {@link #getLastEvent()} is read.
 * The counters are the same as Debezium's.
 */
public class CommonEventMeter implements CommonEventMetricsMXBean {
    protected final AtomicLong totalNumberOfEventsSeen = new AtomicLong();
    protected final AtomicLong totalNumberOfCreateEventsSeen = new AtomicLong();
    protected final AtomicLong totalNumberOfUpdateEventsSeen = new AtomicLong();
    protected final AtomicLong totalNumberOfDeleteEventsSeen = new AtomicLong();
    private final AtomicLong numberOfEventsFiltered = new AtomicLong();
    protected final AtomicLong numberOfErroneousEvents = new AtomicLong();
    protected final AtomicLong lastEventTimestamp = new AtomicLong(-1);
    private final Clock clock;
    private final EventMetadataProvider metadataProvider;
    private volatile LastEvent lastEvent;

    /** What {@code LastEvent} is rendered from; the offset context is Debezium's live one, so it shows the current position. */
    private record LastEvent(DataCollectionId source, OffsetContext offset, Object key, Struct value) {}

    public CommonEventMeter(Clock clock, EventMetadataProvider metadataProvider) {
        this.clock = clock;
        this.metadataProvider = metadataProvider;
    }

    public void onEvent(DataCollectionId source, OffsetContext offset, Object key, Struct value, Operation operation) {
        count(operation);
        lastEvent = new LastEvent(source, offset, key, value);
    }

    private void count(Operation operation) {
        totalNumberOfEventsSeen.incrementAndGet();
        lastEventTimestamp.set(clock.currentTimeInMillis());
        if (operation == null) {
            return;
        }
        switch (operation) {
            case CREATE -> totalNumberOfCreateEventsSeen.incrementAndGet();
            case UPDATE -> totalNumberOfUpdateEventsSeen.incrementAndGet();
            case DELETE -> totalNumberOfDeleteEventsSeen.incrementAndGet();
            default -> { }
        }
    }

    public void onFilteredEvent() {
        numberOfEventsFiltered.incrementAndGet();
        count(null);
    }

    public void onFilteredEvent(Operation operation) {
        numberOfEventsFiltered.incrementAndGet();
        count(operation);
    }

    public void onErroneousEvent() {
        numberOfErroneousEvents.incrementAndGet();
        count(null);
    }

    public void onErroneousEvent(Operation operation) {
        numberOfErroneousEvents.incrementAndGet();
        count(operation);
    }

    @Override
    public String getLastEvent() {
        LastEvent last = lastEvent;
        return last == null ? null : metadataProvider.toSummaryString(last.source(), last.offset(), last.key(), last.value());
    }

    @Override
    public long getMilliSecondsSinceLastEvent() {
        long last = lastEventTimestamp.get();
        return last == -1 ? -1 : clock.currentTimeInMillis() - last;
    }

    @Override
    public long getTotalNumberOfEventsSeen() {
        return totalNumberOfEventsSeen.get();
    }

    @Override
    public long getTotalNumberOfCreateEventsSeen() {
        return totalNumberOfCreateEventsSeen.get();
    }

    @Override
    public long getTotalNumberOfUpdateEventsSeen() {
        return totalNumberOfUpdateEventsSeen.get();
    }

    @Override
    public long getTotalNumberOfDeleteEventsSeen() {
        return totalNumberOfDeleteEventsSeen.get();
    }

    @Override
    public long getNumberOfEventsFiltered() {
        return numberOfEventsFiltered.get();
    }

    @Override
    public long getNumberOfErroneousEvents() {
        return numberOfErroneousEvents.get();
    }

    public void reset() {
        totalNumberOfEventsSeen.set(0);
        totalNumberOfCreateEventsSeen.set(0);
        totalNumberOfUpdateEventsSeen.set(0);
        totalNumberOfDeleteEventsSeen.set(0);
        lastEventTimestamp.set(-1);
        numberOfEventsFiltered.set(0);
        numberOfErroneousEvents.set(0);
        lastEvent = null;
    }
}
