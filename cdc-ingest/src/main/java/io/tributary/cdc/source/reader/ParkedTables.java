package io.tributary.cdc.source.reader;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.cdc.source.TableControl;
import io.tributary.cdc.source.split.BinlogSplit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source side of parking: skips the rows of parked tables so the others keep flowing, runs
 * requested resyncs ({@link TableResync}) one at a time, and skips a resynced table's binlog rows
 * before the position its snapshot read at. Table states are read from {@link TableControl} every
 * {@link #REFRESH_MS} ms off the task thread; a resync is recorded there only once a checkpoint
 * holding it completed, so a crash before that redoes it instead of losing its rows.
 */
final class ParkedTables implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParkedTables.class);
    static final long REFRESH_MS = 2_000;

    private final MySqlSourceConfig config;
    private final TableControl control;
    private final Runnable wakeUp;
    private final Set<String> parkedHere = new HashSet<>();
    private final Map<String, BinlogSplit.Resync> resyncs = new HashMap<>();
    private final TreeMap<Long, Map<String, BinlogSplit.Resync>> checkpointed = new TreeMap<>();
    private final ScheduledExecutorService refresher;
    private volatile Map<String, TableControl.TableState> states = Map.of();
    private volatile TableResync active;

    private volatile int epoch;

    ParkedTables(MySqlSourceConfig config, TableControl control, Runnable wakeUp) {
        this.config = config;
        this.control = control;
        this.wakeUp = wakeUp;
        if (!canPark()) {
            refresher = null;
            return;
        }
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tributary-table-control");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    boolean canPark() {
        return control != TableControl.NONE;
    }

    void refresh() {
        try {
            states = Map.copyOf(control.states());
            // A resync of an empty table ends without a row to wake the reader: look again regularly.
            if (resyncRequested() || resyncing()) {
                wakeUp.run();
            }
        } catch (RuntimeException e) {
            // ClickHouse unreachable: keep the last known states; the sink is waiting for it anyway.
            LOG.warn("Cannot read parked tables and resync requests: {}", e.getMessage());
        }
    }

    /** Resyncs started from now on version their rows in {@code epoch}, the reader's. */
    void useEpoch(int epoch) {
        this.epoch = epoch;
    }

    void restore(Map<String, BinlogSplit.Resync> restored) {
        synchronized (resyncs) {
            resyncs.putAll(restored);
        }
    }

    /** {@code db.table} of a Debezium row record, or null when it is not a row change. */
    static String tableOf(SourceRecord record) {
        if (record.value() instanceof Struct envelope && envelope.schema().field("source") != null
                && envelope.schema().field("op") != null) {
            Struct source = envelope.getStruct("source");
            String db = source.getString("db");
            String table = source.getString("table");
            return db == null || table == null ? null : db + "." + table;
        }
        return null;
    }

    /** A row of {@code table} cannot be converted: park it and go on with the other tables. */
    void park(String table, Map<String, ?> offset, Throwable error) {
        String position = offset == null ? "unknown" : offset.get("file") + ":" + offset.get("pos");
        park(table, position, error);
    }

    /** Parks {@code table} at {@code position} (binlog file:pos, or what else the cause names). */
    void park(String table, String position, Throwable error) {
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        control.park(table, position, message);
        parkedHere.add(table);
        LOG.error("Table {} is PARKED at {}: its rows are skipped, the other tables keep flowing. Cause: {}. Fix the "
                + "cause, then run: ./tributary resync {}", table, position, message, table, error);
    }

    /** Whether a change reaches the job: not of a parked table, not older than its table's resync. */
    boolean passes(ChangeEvent e) {
        if (e.op() == ChangeEvent.Op.DDL) {
            return true;
        }
        String table = e.qualifiedTable();
        BinlogSplit.Resync resync;
        synchronized (resyncs) {
            resync = resyncs.get(table);
        }
        if (resync != null && e.position().compareTo(resync.position()) < 0) {
            return false;
        }
        return !isParked(table);
    }

    boolean isParked(String table) {
        if (parkedHere.contains(table)) {
            return true;
        }
        TableControl.TableState state = states.get(table);
        if (state == null) {
            return false;
        }
        return switch (state.state()) {
            case PARKED, RESYNC_REQUESTED -> state.atMs() > handledRequest(table);
            case RESYNCED -> false;
        };
    }

    private long handledRequest(String table) {
        synchronized (resyncs) {
            BinlogSplit.Resync r = resyncs.get(table);
            return r == null ? Long.MIN_VALUE : r.requestedAtMs();
        }
    }

    private Map.Entry<String, TableControl.TableState> pendingRequest() {
        for (Map.Entry<String, TableControl.TableState> e : states.entrySet()) {
            if (e.getValue().state() == TableControl.State.RESYNC_REQUESTED
                    && e.getValue().atMs() > handledRequest(e.getKey())) {
                return e;
            }
        }
        return null;
    }

    boolean resyncRequested() {
        return active == null && pendingRequest() != null;
    }

    boolean resyncing() {
        return active != null;
    }

    boolean resyncHasData() {
        return active != null && active.hasData();
    }

    /** Starts the next requested resync; true if one started. */
    boolean startRequestedResync() {
        Map.Entry<String, TableControl.TableState> request = active == null ? pendingRequest() : null;
        if (request == null) {
            return false;
        }
        active = new TableResync(config, request.getKey(), request.getValue().atMs(), epoch, wakeUp);
        return true;
    }

    /** Hands out up to {@code max} rows of the running resync; true while more may be ready right away. */
    boolean emitResyncRows(ReaderOutput<ChangeEvent> output, int max) {
        try {
            for (int i = 0; i < max; i++) {
                ChangeEvent e = active.poll();
                if (e == null) {
                    break;
                }
                ChangeEvent begin = active.takeBegin(); // before the first row
                if (begin != null) {
                    output.collect(begin, begin.sourceTimestampMs());
                }
                output.collect(e, e.sourceTimestampMs());
            }
            if (active.isComplete()) {
                finishResync(output);
                return true;
            }
            return active.hasData();
        } catch (TableResync.UnconvertibleRow e) {
            String table = active.table();
            active.close();
            active = null;
            park(table, "resync", e.getCause());
            return true;
        }
    }

    private void finishResync(ReaderOutput<ChangeEvent> output) {
        TableResync done = active;
        active = null;
        done.close();
        ChangeEvent begin = done.takeBegin(); // an empty table: no row came
        if (begin != null) {
            output.collect(begin, begin.sourceTimestampMs());
        }
        SourcePosition at = done.position();
        synchronized (resyncs) {
            resyncs.put(done.table(), new BinlogSplit.Resync(done.requestedAtMs(), at));
        }
        parkedHere.remove(done.table());
        LOG.info("Resync of {} read {} rows at {}; its binlog rows before that position are skipped, later ones "
                + "apply. It is recorded as done once the next checkpoint completes.", done.table(), done.rowsEmitted(), at);
    }

    Map<String, BinlogSplit.Resync> resyncsForCheckpoint(long checkpointId) {
        Map<String, BinlogSplit.Resync> copy;
        synchronized (resyncs) {
            copy = Map.copyOf(resyncs);
        }
        if (!copy.isEmpty()) {
            checkpointed.put(checkpointId, copy);
        }
        return copy;
    }

    /** Records resyncs the completed checkpoint holds and the control still shows as requested. */
    void checkpointCompleted(long checkpointId) {
        Map<String, BinlogSplit.Resync> held = checkpointed.get(checkpointId);
        checkpointed.headMap(checkpointId, true).clear();
        if (held == null) {
            return;
        }
        Map<String, TableControl.TableState> current = states;
        for (Map.Entry<String, BinlogSplit.Resync> e : held.entrySet()) {
            TableControl.TableState state = current.get(e.getKey());
            if (state != null && state.state() == TableControl.State.RESYNC_REQUESTED
                    && state.atMs() <= e.getValue().requestedAtMs()) {
                try {
                    control.resynced(e.getKey(), e.getValue().requestedAtMs(), e.getValue().position().toString());
                    LOG.info("Resync of {} is complete and checkpointed", e.getKey());
                } catch (RuntimeException failure) {
                    LOG.warn("Cannot record the resync of {} yet (retried at the next checkpoint): {}", e.getKey(),
                            failure.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        if (active != null) {
            active.close();
        }
    }
}
