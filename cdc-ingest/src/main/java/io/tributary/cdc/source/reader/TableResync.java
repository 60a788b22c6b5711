package io.tributary.cdc.source.reader;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.tributary.cdc.debezium.DebeziumProperties;
import io.tributary.cdc.debezium.EngineStateRegistry;
import io.tributary.cdc.debezium.RecordConverter;
import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlSourceConfig;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads one table online: a second embedded Debezium takes a snapshot of just that table
 * ({@code snapshot.mode=initial_only}, the same converters as the pipeline, so values come out
 * exactly as the binlog's do) while the binlog reader waits. Its rows carry the snapshot's binlog
 * position P; the table's binlog rows before P are then skipped, those at or after P apply on top.
 * An empty table yields a TRUNCATE just before P, so rows ClickHouse still holds disappear too.
 */
final class TableResync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TableResync.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String table;
    private final long requestedAtMs;
    private final String topicPrefix = "tributary_resync_" + SEQUENCE.incrementAndGet();
    private final String engineId = UUID.randomUUID().toString();
    private final RecordConverter converter = new RecordConverter();
    private final BlockingQueue<ChangeEvent> rows = new ArrayBlockingQueue<>(4096);
    private final Runnable onData;
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService executor;
    private volatile SourcePosition position;
    private volatile boolean lastRowSeen;
    private volatile RuntimeException failure;
    private volatile boolean closing;
    private final int epoch;
    private long emitted;
    /** Whether {@link #takeBegin} gave out the begin (on the source reader's thread, as is {@link #poll}). */
    private boolean begun;

    TableResync(MySqlSourceConfig config, String table, long requestedAtMs, int epoch, Runnable onData) {
        this.table = table;
        this.requestedAtMs = requestedAtMs;
        this.onData = onData;
        this.epoch = epoch;
        converter.useEpoch(epoch);
        int dot = table.indexOf('.');
        MySqlSourceConfig one = new MySqlSourceConfig(config.host(), config.port(), config.user(), config.password(),
                List.of(table.substring(0, dot)), List.of(table), resyncServerId(config.serverId()),
                config.queueCapacity(), config.heartbeatInterval(), config.pollInterval(), config.sslMode(), config.sslCa(),
                config.snapshotReader(), config.snapshotThreads(), config.snapshotChunkRows());
        EngineStateRegistry.register(engineId, new EngineStateRegistry.EngineState(null, null, List.of()));
        Properties p = DebeziumProperties.build(one, engineId);
        p.setProperty("name", "tributary-resync");
        p.setProperty("topic.prefix", topicPrefix);
        p.setProperty("snapshot.mode", "initial_only");
        p.setProperty("heartbeat.interval.ms", "0");
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(p)
                .using((success, message, error) -> {
                    if (!closing && !isComplete()) {
                        fail(new IllegalStateException("Resync of " + table + ": Debezium stopped"
                                + (message == null ? "" : ": " + message), error));
                    }
                })
                .notifying(this::handleBatch)
                .build();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "debezium-resync-" + table);
            t.setDaemon(true);
            return t;
        });
        LOG.info("Resync of {} (requested at {}): snapshot of the table starts", table, requestedAtMs);
        executor.execute(engine);
    }

    /** Not the pipeline's id, so the two never share a replication slot on the server. */
    static long resyncServerId(long serverId) {
        return serverId >= 4_294_967_295L ? serverId - 1 : serverId + 1;
    }

    String table() {
        return table;
    }

    long requestedAtMs() {
        return requestedAtMs;
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        for (RecordChangeEvent<SourceRecord> r : records) {
            SourceRecord record = r.record();
            Map<String, ?> offset = record.sourceOffset();
            if (position == null && offset != null && offset.get("file") != null) {
                position = SourcePosition.snapshot((String) offset.get("file"), ((Number) offset.get("pos")).longValue())
                        .withEpoch(epoch);
            }
            ChangeEvent event;
            try {
                event = converter.convert(record);
            } catch (RuntimeException e) {
                fail(new UnconvertibleRow(e));
                return;
            }
            if (event != null && event.op() == ChangeEvent.Op.SNAPSHOT) {
                rows.put(event);
                onData.run();
                if (record.value() instanceof Struct envelope && "last".equals(snapshotMarker(envelope))) {
                    lastRowSeen = true;
                    onData.run();
                }
            }
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
    }

    /** A row of the table that cannot be converted: the table is parked again with this cause. */
    static final class UnconvertibleRow extends RuntimeException {
        UnconvertibleRow(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static String snapshotMarker(Struct envelope) {
        Struct source = envelope.getStruct("source");
        Object marker = source.schema().field("snapshot") == null ? null : source.get("snapshot");
        return marker == null ? null : marker.toString();
    }

    private void fail(RuntimeException e) {
        failure = e;
        onData.run();
    }

    /** The next row, or null when none is ready; throws what stopped the resync. */
    ChangeEvent poll() {
        if (failure != null) {
            throw failure;
        }
        ChangeEvent e = rows.poll();
        if (e != null) {
            emitted++;
        }
        return e;
    }

    boolean hasData() {
        return !rows.isEmpty() || failure != null || isComplete();
    }

    /** Every row was handed out: the last snapshot row arrived, or Debezium finished a snapshot of no rows. */
    boolean isComplete() {
        if (!rows.isEmpty()) {
            return false;
        }
        return lastRowSeen || (position != null && emitted == 0 && snapshotOfNoRowsCompleted());
    }

    /** Debezium marks the last row of a snapshot; an empty table has none, so ask its snapshot metrics. */
    private boolean snapshotOfNoRowsCompleted() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : server.queryNames(new ObjectName(
                    "debezium.mysql:type=connector-metrics,context=snapshot,server=" + topicPrefix + ",*"), null)) {
                if (Boolean.TRUE.equals(server.getAttribute(name, "SnapshotCompleted"))) {
                    return rowsScanned(server.getAttribute(name, "RowsScanned")) == 0;
                }
            }
            return false;
        } catch (javax.management.JMException e) {
            throw new IllegalStateException("Resync of " + table + ": cannot read Debezium's snapshot metrics", e);
        }
    }

    private static long rowsScanned(Object attribute) {
        long total = 0;
        if (attribute instanceof TabularData data) {
            for (Object row : data.values()) {
                Object value = ((CompositeData) row).get("value");
                total += value instanceof Number n ? n.longValue() : 0;
            }
        } else if (attribute instanceof Map<?, ?> map) {
            for (Object value : map.values()) {
                total += value instanceof Number n ? n.longValue() : 0;
            }
        }
        return total;
    }

    /** The binlog position the snapshot read at; known once Debezium sent its first record. */
    SourcePosition position() {
        if (position == null) {
            throw new IllegalStateException("Resync of " + table + ": no snapshot position yet");
        }
        return position;
    }

    long rowsEmitted() {
        return emitted;
    }

    /**
     * The begin of this resync at P, to go before its first row (or, for an empty table, instead of any): the
     * sinks remove every version of the table older than P, and the binlog's rows from P on apply. Null once
     * it was taken.
     */
    ChangeEvent takeBegin() {
        if (begun) {
            return null;
        }
        begun = true;
        return ChangeEvent.snapshotBegin(table.substring(0, table.indexOf('.')), table.substring(table.indexOf('.') + 1),
                position(), System.currentTimeMillis(), io.tributary.cdc.event.SnapshotScope.whole());
    }

    @Override
    public void close() {
        closing = true;
        try {
            engine.close();
        } catch (Exception e) {
            LOG.debug("Resync engine of {} was already stopped: {}", table, e.getMessage());
        }
        executor.shutdownNow();
        EngineStateRegistry.unregister(engineId);
    }
}
