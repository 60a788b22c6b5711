package io.tributary.cdc.source.reader;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SourcePosition;
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
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source side of parking: skips the rows of parked tables so the others keep flowing, hands
 * requested resyncs to the reader one at a time (which re-reads the table with the snapshot's
 * engine), and skips a resynced table's binlog rows before the position its re-read was versioned at. Table states are read from {@link TableControl} every
 * {@link #REFRESH_MS} ms off the task thread; a resync is recorded there only once a checkpoint
 * holding it completed, so a crash before that redoes it instead of losing its rows.
 */
final class ParkedTables implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParkedTables.class);
    static final long REFRESH_MS = 2_000;

    private final TableControl control;
    private final Runnable wakeUp;
    private final Set<String> parkedHere = new HashSet<>();
    private final Map<String, BinlogSplit.Resync> resyncs = new HashMap<>();
    private final TreeMap<Long, Map<String, BinlogSplit.Resync>> checkpointed = new TreeMap<>();
    private final ScheduledExecutorService refresher;
    private volatile Map<String, TableControl.TableState> states = Map.of();
    /** The resync running, or null. */
    private volatile Request active;
    /** Re-reads of drifted chunks the verifier asked for, kept in memory only (a restart's verifier finds them again). */
    private final java.util.concurrent.ConcurrentLinkedDeque<Request> repairs = new java.util.concurrent.ConcurrentLinkedDeque<>();

    ParkedTables(TableControl control, Runnable wakeUp) {
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
            // A request must wake a reader with nothing else to do.
            if (resyncRequested()) {
                wakeUp.run();
            }
        } catch (RuntimeException e) {
            // ClickHouse unreachable: keep the last known states; the sink is waiting for it anyway.
            LOG.warn("Cannot read parked tables and resync requests: {}", e.getMessage());
        }
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
        Request resyncing = active;
        if (resyncing != null && resyncing.table().equals(table)) {
            active = null; // the re-read of a table parked again is given up; a new request starts another
            resyncing.giveUp("the table was parked");
        }
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
        Request resyncing = active;
        if (resyncing != null && resyncing.table().equals(table)) {
            return false; // its re-read runs: the reader withholds its changes where the re-read covers them
        }
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
        return active == null && (pendingRequest() != null || !repairs.isEmpty());
    }

    boolean resyncing() {
        return active != null;
    }

    /** The table being resynced, or null. */
    String resyncTable() {
        Request r = active;
        return r == null ? null : r.table();
    }

    /**
     * A re-read to run: a resync requested in the table control (which table, asked for when), or a repair
     * the verifier asked for ({@code repair}: the key ranges to read again, {@code done}: completed once its
     * rows are out).
     */
    record Request(String table, long requestedAtMs, io.tributary.cdc.event.SnapshotScope repair,
                   java.util.concurrent.CompletableFuture<Void> done) {
        Request(String table, long requestedAtMs) {
            this(table, requestedAtMs, null, null);
        }

        boolean isRepair() {
            return repair != null;
        }

        void giveUp(String why) {
            if (done != null) {
                done.completeExceptionally(new IllegalStateException("the re-read of " + table + " was given up: " + why));
            }
        }
    }

    /** Asks for {@code scope} of {@code table} to be read again (a drifted chunk); completes once its rows are out. */
    java.util.concurrent.CompletableFuture<Void> requestRepair(String table, io.tributary.cdc.event.SnapshotScope scope,
                                                               String why) {
        Request r = new Request(table, System.currentTimeMillis(), scope, new java.util.concurrent.CompletableFuture<>());
        repairs.add(r);
        LOG.info("Repair of {} {} requested: {}", table, scope, why);
        wakeUp.run();
        return r.done();
    }

    /**
     * Takes the next requested resync (those of the table control first, then repairs), or null: from now on
     * the table's changes and the rows its re-read hands out pass (the reader withholds what the re-read
     * covers), until it is done or the table is parked again.
     */
    Request startRequestedResync() {
        if (active != null) {
            return null;
        }
        Map.Entry<String, TableControl.TableState> request = pendingRequest();
        Request r;
        if (request != null) {
            r = new Request(request.getKey(), request.getValue().atMs());
        } else {
            r = repairs.poll();
            if (r == null) {
                return null;
            }
            if (isParked(r.table())) {
                r.giveUp("the table is parked");
                return null;
            }
        }
        active = r;
        parkedHere.remove(r.table());
        return r;
    }

    /**
     * The running resync read its table at {@code at} (in the reader's epoch): its binlog rows before that
     * position are skipped from now on (the re-read holds them), and the next completed checkpoint records
     * it as done.
     */
    void resyncFinished(SourcePosition at, long rows) {
        Request done = active;
        active = null;
        if (done.isRepair()) {
            readAt(done.table(), at); // not a request of the table control: nothing to record there
            LOG.info("Repair of {} {} read {} rows at {}", done.table(), done.repair(), rows, at);
            done.done().complete(null);
            return;
        }
        synchronized (resyncs) {
            resyncs.put(done.table(), new BinlogSplit.Resync(done.requestedAtMs(), at));
        }
        LOG.info("Resync of {} read {} rows at {}; its binlog rows before that position are skipped, later ones "
                + "apply. It is recorded as done once the next checkpoint completes.", done.table(), rows, at);
    }

    /**
     * {@code table} was read at {@code at} outside a resync (the tables a configuration adds, by the locking
     * reader while the binlog waited): its binlog rows before that position are in the rows and are skipped.
     */
    void readAt(String table, SourcePosition at) {
        synchronized (resyncs) {
            BinlogSplit.Resync earlier = resyncs.get(table);
            // The request an earlier resync answered stays answered.
            resyncs.put(table, new BinlogSplit.Resync(earlier == null ? Long.MIN_VALUE : earlier.requestedAtMs(), at));
        }
    }

    /** The running resync is given up without a result: its request stays, so it is taken again. */
    void resyncAgain(String why) {
        Request r = active;
        active = null;
        if (r != null && r.isRepair()) {
            repairs.addFirst(r);
            LOG.info("Repair of {} starts again: {}", r.table(), why);
        } else if (r != null) {
            LOG.info("Resync of {} starts again: {}", r.table(), why);
        }
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
        Request r = active;
        if (r != null) {
            r.giveUp("the reader closed");
        }
        repairs.forEach(q -> q.giveUp("the reader closed"));
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
