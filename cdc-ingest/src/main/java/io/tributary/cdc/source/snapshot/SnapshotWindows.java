package io.tributary.cdc.source.snapshot;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.SnapshotScope;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.source.split.BinlogSplit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunk engine's reconciliation of chunk reads with the binlog (after the DBLog watermark
 * algorithm), for the source reader, which hands the binlog through here while a snapshot runs.
 *
 * <p>A chunk is read in its own read view between a low watermark L (the GTID set committed before
 * the view opened: every transaction in L is in the rows) and a high watermark H (the binlog's end
 * after the read: every transaction in the rows is before H). For every binlog change of a key of a
 * chunk that is not handed out yet:
 * <ul>
 *   <li>in L: the rows hold it already; dropped;</li>
 *   <li>not in L: the rows may or may not hold it; its row image is applied to the chunk's rows
 *       (insert and update put the after image, delete removes the key), which gives the same rows
 *       either way, since binlog row images are full;</li>
 *   <li>seen before the chunk was read: kept until the read's L is known, unless a GTID set read
 *       before the read began already holds it (then the read will hold it too).</li>
 * </ul>
 * The chunk's rows go out as snapshot rows once the binlog has passed H (every change before H has
 * been applied) or at once when the read was quiet; after that, a change of its keys passes when it
 * is at or after H (before H it is in the rows). So each key's output is one snapshot row with its
 * state at a binlog point, followed by exactly the changes after that point, in binlog order: right
 * for versioned tables and for changelogs that retract before images.
 *
 * <p>A table without a key cannot have a change applied by key: a change not in L in its window
 * means the read is taken again. A DDL of the table not in L means the rows may have the old shape:
 * taken again. A TRUNCATE, DROP or RENAME of a table being read stops the snapshot, which starts
 * over (as a DDL during the locking snapshot does).
 *
 * <p>Methods are synchronized: the source reader calls them for every change of a table being read,
 * the chunk readers once per chunk (plan, start).
 */
public final class SnapshotWindows {
    /**
     * A table being read was truncated, dropped or renamed: the rows read of it are stale, so its read
     * is taken again from the start (a new pipeline's snapshot by a restart, a resync by the reader).
     */
    public static final class TableRewritten extends IllegalStateException {
        public TableRewritten(String message) {
            super(message);
        }

        public TableRewritten(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the source reader does with a binlog change. */
    public enum Decision { PASS, WITHHELD }

    /** A keyless table whose read keeps meeting concurrent changes is given up after this many reads. */
    static final int KEYLESS_ATTEMPTS = 8;

    private enum Phase { WAITING, READING, READ, HANDED_OUT }

    private record Change(ChangeEvent event, String gtid, SourcePosition at) {}

    private static final class Chunk {
        TableChunk bounds;
        Phase phase = Phase.WAITING;
        List<Change> early = new ArrayList<>();
        /** The rows as read, until a change must be applied: then {@link #rows} indexes them (most reads need no index). */
        List<ChangeEvent> plain;
        LinkedHashMap<String, ChangeEvent> rows;
        /** Keyless tables: the rows' names in {@link #rows} by row image, so a change can find a row it replaces. */
        Map<String, java.util.ArrayDeque<String>> byImage;
        int named;
        GtidSet low;
        GtidSet atView;
        SourcePosition high;
        boolean quiet;
        int attempts;

        final TableState table;

        Chunk(TableState table, TableChunk bounds) {
            this.table = table;
            this.bounds = bounds;
        }
    }

    private static final class TableState {
        final String table;
        KeyOrder order;
        boolean keyless;
        boolean planned;
        List<Chunk> chunks = new ArrayList<>();
        /** What this snapshot reads of the table: all, or (resumed) the chunks an earlier run had not handed out. */
        SnapshotScope scope = SnapshotScope.whole();
        /** Whether the begin went out (before the table's first chunk). */
        boolean begun;
        /** The columns a read found, for the begin (so that a table read empty is created); null before. */
        io.tributary.cdc.event.TableSchema schema;

        TableState(String table) {
            this.table = table;
            chunks.add(new Chunk(this, TableChunk.whole(table)));
        }

        boolean handedOut() {
            return planned && chunks.stream().allMatch(c -> c.phase == Phase.HANDED_OUT);
        }
    }

    private final Map<String, TableState> tables = new HashMap<>();
    /** Tables being read, for a lock-free look from the reader's hot path. */
    private final Set<String> reading = ConcurrentHashMap.newKeySet();
    /** Chunks read and not handed out yet: what {@link #handOut} looks at, so its cost does not grow with the tables. */
    private final Set<Chunk> read = new java.util.LinkedHashSet<>();
    /** Tables whose chunks are all out, with their highest high watermark, until the binlog passes it. */
    private final Map<TableState, SourcePosition> closing = new HashMap<>();
    private final List<TableChunk> again = new ArrayList<>();
    private final List<String[]> givenUp = new ArrayList<>();
    private final SourcePosition snapshotPosition;
    /** The snapshot's position as binlog positions are (epoch 0): table-wide statements before it precede every read. */
    private final SourcePosition readsFrom;
    private final KeyWeights weights;
    /** Whether this run continues a snapshot an earlier run did not finish. */
    private final boolean resumed;
    private GtidSet latestLow = GtidSet.EMPTY;
    private int waitingRows;

    /**
     * {@code snapshotPosition}: the version of every snapshot row (the binlog's end before the first
     * read, in the reader's epoch), below every change handed on after a chunk, so one position names
     * the snapshot of a table for the sinks (which remove what an earlier attempt left below it).
     */
    public SnapshotWindows(SourcePosition snapshotPosition) {
        this(snapshotPosition, null);
    }

    /** {@code weights}: places the changes of tables with a character key ({@link KeyOrder}); null if there are none. */
    public SnapshotWindows(SourcePosition snapshotPosition, KeyWeights weights) {
        this(snapshotPosition, weights, false);
    }

    /** {@code resumed}: this run continues a snapshot an earlier one did not finish ({@link #restore}). */
    public SnapshotWindows(SourcePosition snapshotPosition, KeyWeights weights, boolean resumed) {
        this.snapshotPosition = snapshotPosition;
        this.readsFrom = snapshotPosition.withEpoch(0);
        this.weights = weights;
        this.resumed = resumed;
    }

    /** {@code table} ({@code db.table}) is to be read; its changes are withheld from now on. */
    public synchronized void register(String table) {
        tables.put(table, new TableState(table));
        reading.add(table);
    }

    /**
     * {@code table} is cut into {@code chunks} ({@code order} null: one chunk; {@code keyless}: it has no
     * primary key); changes kept so far go to their chunk.
     */
    public synchronized void plan(String table, KeyOrder order, boolean keyless, List<TableChunk> chunks) {
        TableState state = tables.get(table);
        if (state == null) {
            return;
        }
        List<Change> early = state.chunks.get(0).early;
        state.order = order;
        state.keyless = keyless;
        state.chunks = new ArrayList<>();
        for (TableChunk c : chunks) {
            state.chunks.add(new Chunk(state, c));
        }
        state.planned = true;
        for (Change change : early) {
            if (change.event.op() == ChangeEvent.Op.DDL) {
                state.chunks.forEach(c -> c.early.add(change));
            } else {
                chunkOf(state, change.event).early.add(change);
            }
        }
    }

    /**
     * {@code table} continues a snapshot an earlier run did not finish: cut into {@code chunks} (in key order,
     * covering every key, {@code order} over its integer key columns), of which those
     * {@code done} were handed out then. Their rows are stored; their changes pass (those below a chunk's
     * high watermark are withheld before they get here, by the restored {@link SnapshotTail}). The others
     * are read, and this snapshot's scope is their key ranges. Before any binlog change is handed through.
     */
    public synchronized void restore(String table, KeyOrder order, List<TableChunk> chunks, boolean[] done) {
        TableState state = new TableState(table);
        state.order = order;
        state.chunks = new ArrayList<>();
        List<SnapshotScope.KeyRange> unread = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = new Chunk(state, chunks.get(i));
            if (done[i]) {
                c.phase = Phase.HANDED_OUT;
                c.high = SourcePosition.ZERO;
                c.early = List.of();
            } else {
                TableChunk b = chunks.get(i);
                SnapshotScope.KeyRange last = unread.isEmpty() || done[i - 1] ? null : unread.remove(unread.size() - 1);
                unread.add(new SnapshotScope.KeyRange(last != null ? last.lower()
                        : b.lowerKey() == null ? null : List.of(b.lowerKey()), b.upperKey() == null ? null : List.of(b.upperKey())));
            }
            state.chunks.add(c);
        }
        if (unread.isEmpty()) {
            return; // nothing left to read: only its tail, if any
        }
        state.scope = SnapshotScope.ranges(order.columns(), unread, (int) state.chunks.stream()
                .filter(c -> c.phase == Phase.HANDED_OUT).count());
        state.planned = true;
        tables.put(table, state);
        reading.add(table);
    }

    /** A chunk reader takes {@code chunk}: from now on its GTID set may be older than later ones. */
    public synchronized boolean start(TableChunk chunk) {
        Chunk c = find(chunk);
        if (c == null || c.phase != Phase.WAITING) {
            return false;
        }
        c.phase = Phase.READING;
        return true;
    }

    public boolean isReading(String table) {
        return reading.contains(table);
    }

    /** A binlog change of a table being read, at {@code at} (its transaction's start), in transaction {@code gtid}. */
    public synchronized Decision change(ChangeEvent event, String gtid, SourcePosition at) {
        TableState state = tables.get(event.qualifiedTable());
        if (state == null) {
            return Decision.PASS;
        }
        Change change = new Change(event, gtid, at);
        if (event.op() == ChangeEvent.Op.DDL || event.op() == ChangeEvent.Op.TRUNCATE) {
            return tableWide(state, change);
        }
        Chunk c = chunkOf(state, event);
        switch (c.phase) {
            case HANDED_OUT:
                return at.compareTo(c.high) >= 0 ? Decision.PASS : Decision.WITHHELD;
            case WAITING:
                if (!latestLow.contains(gtid)) {
                    c.early.add(change);
                }
                return Decision.WITHHELD;
            case READING:
                c.early.add(change);
                return Decision.WITHHELD;
            default:
                c.early.add(change); // kept until handed out: a read taken again needs what is not in its new L
                apply(state, c, change);
                return Decision.WITHHELD;
        }
    }

    private Decision tableWide(TableState state, Change change) {
        String statement = change.event.op() == ChangeEvent.Op.TRUNCATE ? "TRUNCATE TABLE" : change.event.ddl();
        String upper = statement.toUpperCase(java.util.Locale.ROOT);
        boolean unreadChunks = state.chunks.stream().anyMatch(c -> c.phase != Phase.HANDED_OUT);
        boolean rename = upper.contains("RENAME");
        boolean drop = upper.stripLeading().startsWith("DROP");
        if (unreadChunks && (change.event.op() == ChangeEvent.Op.TRUNCATE || rename || drop)) {
            if (change.at.compareTo(readsFrom) >= 0) {
                // Rows read before it are stale and the sinks apply it at its position, above this snapshot's
                // rows: a restart reads at a newer position (where this statement is below, as handled next).
                throw new TableRewritten(state.table + " was truncated, dropped or renamed (" + statement.strip()
                        + ") while the snapshot read it; the snapshot is taken again.");
            }
            // Before every read of this run (a resumed snapshot meets what happened while it was down).
            if (drop) {
                forget(state.table); // the table is what the binlog says from here on: empty, maybe created again
                return Decision.PASS;
            }
            if (rename && !resumed) {
                throw new TableRewritten(state.table + " was renamed (" + statement.strip() + ") as the snapshot "
                        + "began; the snapshot is taken again.");
            }
            if (rename) {
                // Rows stored before the restart now belong to the new name, which this run does not read, and a
                // restart would resume from the same checkpoint and meet this again. (A table renamed away while
                // the pipeline was down, with no table given its name, makes the restart start over instead.)
                throw new org.apache.flink.runtime.execution.SuppressRestartsException(new IllegalStateException(
                        state.table + " was renamed (" + statement.strip() + ") while the pipeline was down in the middle "
                        + "of its snapshot, and a table has its name again, so the snapshot cannot resume. Start the "
                        + "pipeline afresh (remove its checkpoints) to take the snapshot again."));
            }
            // TRUNCATE: the sinks hide every older version (chunks done before the restart too); the reads follow it.
        }
        for (Chunk c : state.chunks) {
            switch (c.phase) {
                case WAITING, READING -> c.early.add(change);
                case READ -> {
                    if (!c.low.contains(change.gtid)) {
                        readAgain(state, c);
                    }
                }
                default -> { }
            }
        }
        return Decision.PASS;
    }

    /** A chunk read came back: its rows meet the changes kept for it. */
    public synchronized void read(ChunkResult result) {
        Chunk c = find(result.chunk());
        if (c == null || c.phase != Phase.READING) {
            return;
        }
        TableState state = tables.get(result.chunk().table());
        if (result.low().transactions() > latestLow.transactions()) {
            latestLow = result.low();
            forgetCommitted();
        }
        if (result.schema() != null) {
            state.schema = result.schema();
        }
        c.low = result.low();
        c.atView = result.atView();
        c.high = result.high();
        c.quiet = result.quiet();
        c.plain = result.rows();
        c.rows = null;
        c.byImage = null;
        c.phase = Phase.READ;
        read.add(c);
        waitingRows += c.plain.size();
        for (Change change : List.copyOf(c.early)) {
            if (c.phase != Phase.READ) {
                break; // read again: the changes wait for the next read
            }
            if (change.event.op() == ChangeEvent.Op.DDL || change.event.op() == ChangeEvent.Op.TRUNCATE) {
                if (!c.low.contains(change.gtid)) {
                    readAgain(state, c);
                }
            } else {
                apply(state, c, change);
            }
        }
    }

    /** Drops changes kept for unread chunks that a GTID set read since holds: every later read holds them. */
    private void forgetCommitted() {
        for (TableState state : tables.values()) {
            for (Chunk c : state.chunks) {
                if (c.phase == Phase.WAITING && !c.early.isEmpty()) {
                    c.early.removeIf(change -> latestLow.contains(change.gtid));
                }
            }
        }
    }

    private void apply(TableState state, Chunk c, Change change) {
        if (c.low.contains(change.gtid)) {
            return; // in the rows already
        }
        ChangeEvent event = change.event;
        if (state.keyless) {
            applyToMultiset(state, c, change);
            return;
        }
        indexed(state, c);
        int before = c.rows.size();
        if (event.op().isDelete()) {
            c.rows.remove(event.key());
        } else {
            c.rows.put(event.key(), new ChangeEvent(event.database(), event.table(), ChangeEvent.Op.SNAPSHOT,
                    snapshotPosition, event.sourceTimestampMs(), event.schema(), event.values()));
        }
        waitingRows += c.rows.size() - before;
    }

    /**
     * A table without a key is a multiset: a change the view cannot hold (committed after it opened)
     * is applied to it (an insert adds its image, a delete removes one row of its image, an update
     * both); a change the view may or may not hold cannot be applied either way: read again.
     */
    private void applyToMultiset(TableState state, Chunk c, Change change) {
        ChangeEvent event = change.event;
        if (c.atView.contains(change.gtid) || event.op() == ChangeEvent.Op.UPDATE && !event.hasBefore()) {
            readAgain(state, c);
            return;
        }
        indexed(state, c);
        if (event.op().isDelete() || event.op() == ChangeEvent.Op.UPDATE) {
            String[] replaced = event.op().isDelete() ? event.values() : event.before();
            java.util.ArrayDeque<String> names = c.byImage.get(image(replaced));
            String name = names == null ? null : names.poll();
            if (name == null) {
                readAgain(state, c); // the view had no such row although the change came after it: not a clean cut
                return;
            }
            c.rows.remove(name);
            waitingRows--;
        }
        if (!event.op().isDelete()) {
            addImage(c, new ChangeEvent(event.database(), event.table(), ChangeEvent.Op.SNAPSHOT, snapshotPosition,
                    event.sourceTimestampMs(), event.schema(), event.values()));
            waitingRows++;
        }
    }

    /** The rows by key (by row image without a key), built when the first change is applied. */
    private static void indexed(TableState state, Chunk c) {
        if (c.rows != null) {
            return;
        }
        c.rows = new LinkedHashMap<>();
        c.byImage = state.keyless ? new HashMap<>() : null;
        c.named = 0;
        for (ChangeEvent row : c.plain) {
            if (state.keyless) {
                addImage(c, row);
            } else {
                c.rows.put(row.key(), row);
            }
        }
        c.plain = null;
    }

    private static int size(Chunk c) {
        return c.rows != null ? c.rows.size() : c.plain == null ? 0 : c.plain.size();
    }

    private static void addImage(Chunk c, ChangeEvent row) {
        String name = "#" + c.named++;
        c.rows.put(name, row);
        c.byImage.computeIfAbsent(image(row.values()), k -> new java.util.ArrayDeque<>()).add(name);
    }

    private static String image(String[] values) {
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            sb.append(v == null ? "\u0000N" : v.replace("\u0001", "\u0001\u0001")).append('\u0001');
        }
        return sb.toString();
    }

    private void readAgain(TableState state, Chunk c) {
        waitingRows -= size(c);
        GtidSet seen = c.low;
        c.rows = null;
        c.plain = null;
        c.byImage = null;
        c.phase = Phase.WAITING;
        read.remove(c);
        c.low = null;
        c.attempts++;
        if (seen != null) {
            c.early.removeIf(change -> seen.contains(change.gtid));
        }
        if (state.keyless && c.attempts >= KEYLESS_ATTEMPTS) {
            givenUp.add(new String[] {state.table, Integer.toString(c.attempts)});
            forget(state.table);
            return;
        }
        again.add(c.bounds);
    }

    /**
     * Rows of chunks that may go out at binlog position {@code cursor} (the start of the next
     * transaction the reader hands on, or where a heartbeat says the binlog is): read chunks whose
     * high watermark the binlog has reached, and quiet ones.
     */
    public synchronized List<ChangeEvent> handOut(SourcePosition cursor) {
        if (read.isEmpty() && closing.isEmpty()) {
            return List.of();
        }
        List<ChangeEvent> out = new ArrayList<>();
        for (java.util.Iterator<Chunk> it = read.iterator(); it.hasNext(); ) {
            Chunk c = it.next();
            if (c.quiet || (cursor != null && cursor.compareTo(c.high) >= 0)) {
                it.remove();
                if (!c.table.begun) {
                    // Before the table's first row, and for a table read empty instead of any (InterruptedSnapshotIT).
                    c.table.begun = true;
                    String name = c.table.table;
                    out.add(ChangeEvent.snapshotBegin(name.substring(0, name.indexOf('.')),
                            name.substring(name.indexOf('.') + 1), snapshotPosition, System.currentTimeMillis(),
                            c.table.scope, c.table.schema != null ? c.table.schema
                                    : new io.tributary.cdc.event.TableSchema(List.of())));
                }
                out.addAll(c.rows != null ? c.rows.values() : c.plain);
                waitingRows -= size(c);
                c.rows = null;
                c.plain = null;
                c.byImage = null;
                c.early = List.of();
                c.phase = Phase.HANDED_OUT;
                if (c.table.handedOut()) {
                    SourcePosition highest = c.table.chunks.stream().map(x -> x.high).max(SourcePosition::compareTo)
                            .orElseThrow();
                    closing.put(c.table, highest);
                }
            }
        }
        for (java.util.Iterator<Map.Entry<TableState, SourcePosition>> it = closing.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TableState, SourcePosition> e = it.next();
            if (cursor != null && cursor.compareTo(e.getValue()) >= 0) {
                // Every chunk is out and the binlog is past every high watermark: no change of it is in a read now.
                it.remove();
                reading.remove(e.getKey().table);
                tables.remove(e.getKey().table);
            }
        }
        return out;
    }

    /** Chunks to read again (a DDL or a keyless change met them); each is handed out once. */
    public synchronized List<TableChunk> takeReadAgain() {
        List<TableChunk> out = List.copyOf(again);
        again.clear();
        return out;
    }

    /** Keyless tables given up ({@code [table, attempts]}), each reported once. */
    public synchronized List<String[]> takeGivenUp() {
        List<String[]> out = List.copyOf(givenUp);
        givenUp.clear();
        return out;
    }

    /** {@code table} is no longer read (parked, gone): its changes pass, what was read of it is dropped. */
    public synchronized void forget(String table) {
        TableState state = tables.remove(table);
        reading.remove(table);
        if (state != null) {
            closing.remove(state);
            for (Chunk c : state.chunks) {
                read.remove(c);
                waitingRows -= size(c);
            }
        }
    }

    /** Rows read and not yet handed out: the memory the engine holds. */
    public synchronized int waitingRows() {
        return waitingRows;
    }

    /** Whether every registered table was read, handed out, and the binlog passed all its high watermarks. */
    public synchronized boolean finished() {
        return tables.isEmpty();
    }

    /** What a checkpoint keeps of a running snapshot ({@link #checkpoint}). */
    public record Kept(List<BinlogSplit.PendingChunk> tail, List<BinlogSplit.UnfinishedTable> unfinished) {}

    /**
     * What a checkpoint keeps so that a restart from its binlog offset continues this snapshot: the chunks
     * handed out whose high watermark {@code cursor} has not reached (their changes below it are in the rows:
     * withheld after the restart, {@link SnapshotTail}), and the tables not all handed out, each with its
     * chunks and which are done when its key is made of numbers, DATEs and DATETIMEs (the restart reads only the others; a chunk
     * each, so that the restart can say how many it skips: a billion rows in chunks of 50,000 are 20,000), else
     * to be read whole. Null while chunks are unread and {@code resumable} is false: the snapshot lives only
     * here, and a checkpoint then says "new pipeline".
     */
    public synchronized Kept checkpoint(SourcePosition cursor, boolean resumable) {
        if (!allHandedOut() && !resumable) {
            return null;
        }
        List<BinlogSplit.PendingChunk> tail = new ArrayList<>();
        List<BinlogSplit.UnfinishedTable> unfinished = new ArrayList<>();
        for (TableState state : tables.values()) {
            List<String> kinds = state.order == null ? List.of() : state.order.kindNames();
            for (Chunk c : state.chunks) {
                // A chunk done before a restart (high watermark ZERO) has its tail in the restored SnapshotTail.
                if (c.phase == Phase.HANDED_OUT && !c.high.equals(SourcePosition.ZERO)
                        && (cursor == null || cursor.compareTo(c.high) < 0)) {
                    tail.add(new BinlogSplit.PendingChunk(state.table, kinds,
                            state.order == null ? List.of() : state.order.columns(),
                            c.bounds.lowerKey() == null ? null : List.of(c.bounds.lowerKey()),
                            c.bounds.upperKey() == null ? null : List.of(c.bounds.upperKey()), c.high));
                }
            }
            if (!state.handedOut()) {
                unfinished.add(unfinished(state, kinds));
            }
        }
        return new Kept(tail, unfinished);
    }

    /** A table not all handed out, as a restart continues it: by its chunks when they mean the same in ClickHouse. */
    private static BinlogSplit.UnfinishedTable unfinished(TableState state, List<String> kinds) {
        boolean someDone = state.chunks.stream().anyMatch(c -> c.phase == Phase.HANDED_OUT);
        if (!state.planned || state.keyless || state.order == null || !state.order.rangesReadAlike() || !someDone
                || !state.chunks.stream().allMatch(SnapshotWindows::boundsReadAlike)) {
            return BinlogSplit.UnfinishedTable.whole(state.table);
        }
        List<BinlogSplit.RestoredChunk> chunks = new ArrayList<>();
        for (Chunk c : state.chunks) {
            boolean done = c.phase == Phase.HANDED_OUT;
            List<String> lower = c.bounds.lowerKey() == null ? null : List.of(c.bounds.lowerKey());
            List<String> upper = c.bounds.upperKey() == null ? null : List.of(c.bounds.upperKey());
            chunks.add(new BinlogSplit.RestoredChunk(lower, upper, done));
        }
        return new BinlogSplit.UnfinishedTable(state.table, state.order.columns(), kinds, chunks);
    }

    /** Whether both servers read the chunk's bounds alike: a DATETIME of year 2300 is not, ClickHouse clamps it. */
    private static boolean boundsReadAlike(Chunk c) {
        return boundsReadAlike(c.bounds.lowerKey()) && boundsReadAlike(c.bounds.upperKey());
    }

    private static boolean boundsReadAlike(String[] key) {
        return key == null || java.util.Arrays.stream(key).allMatch(io.tributary.cdc.event.KeyLiteral::isBound);
    }

    /** Whether every chunk of every table was handed out (the readers have nothing left to do). */
    public synchronized boolean allHandedOut() {
        return tables.values().stream().allMatch(TableState::handedOut);
    }

    private Chunk chunkOf(TableState state, ChangeEvent event) {
        if (state.chunks.size() == 1) {
            return state.chunks.get(0);
        }
        String[] key = state.order.hasCollatedColumns() ? weights.placementKey(state.order, state.order.keyOf(event))
                : state.order.keyOf(event);
        int lo = 0;
        int hi = state.chunks.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            String[] upper = state.chunks.get(mid).bounds.upperKey();
            if (upper != null && state.order.compare(key, upper) > 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return state.chunks.get(lo);
    }

    private Chunk find(TableChunk chunk) {
        TableState state = tables.get(chunk.table());
        if (state == null || chunk.index() >= state.chunks.size()) {
            return null;
        }
        Chunk c = state.chunks.get(chunk.index());
        return c.bounds.equals(chunk) ? c : null;
    }
}
