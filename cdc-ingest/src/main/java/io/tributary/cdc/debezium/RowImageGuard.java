package io.tributary.cdc.debezium;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeader;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import io.debezium.config.CommonConnectorConfig;
import io.debezium.connector.binlog.event.RowDeserializers;
import java.io.IOException;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps changes that do not carry whole rows away from Debezium, and reports each one with its
 * table and binlog position so that the table is parked instead of silently going wrong.
 *
 * <p>Two settings any session may change cause such changes although the server's global values
 * are fine (the start-up check sees only those):
 * <ul>
 *   <li>{@code binlog_row_image = MINIMAL or NOBLOB}: a row image lacks columns. Debezium 3.6.1 stops
 *       the whole connector at it ("internal schema size ... but row size"), and a restart stops at the
 *       same change again. Here the event's rows are dropped and the table is reported.</li>
 *   <li>{@code binlog_row_value_options = PARTIAL_JSON}: updates are logged as
 *       PARTIAL_UPDATE_ROWS_EVENT, which Debezium does not read at all: every UPDATE of such a
 *       session was lost without a trace (SessionRowImageIT). Here the event is decoded, its JSON
 *       diffs applied to the before image's documents, and the rows handed to Debezium as an ordinary
 *       update; only a diff that cannot be applied (no old document: MINIMAL too) is reported.</li>
 * </ul>
 *
 * <p>It sits inside Debezium's binlog client, on its thread: data deserializers wrap Debezium's own
 * (installed when the client connects, after Debezium configured it), and an event listener, ahead
 * of Debezium's handler in the client's list, attaches the position and renames a decoded partial update for Debezium's
 * handler. A report is made before the client reads the next event, so nothing Debezium emits
 * after the change can reach Tributary before it.
 */
final class RowImageGuard implements BinaryLogClient.EventListener, BinaryLogClient.LifecycleListener {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RowImageGuard.class);
    /** MySQL's column type code of JSON in a table map event. */
    private static final int MYSQL_TYPE_JSON = 245;

    private final Consumer<PartialRowChange> report;
    /** Table maps by id, as the binlog announced them (binlog thread only). */
    private final Map<Long, TableMapEventData> tables = new HashMap<>();
    /** What the event being read showed, by table: reported once its header is known. */
    private final Map<Long, String> found = new LinkedHashMap<>();
    private volatile BinaryLogClient client;

    RowImageGuard(Consumer<PartialRowChange> report) {
        this.report = report;
    }

    /**
     * Registers the guard with Debezium's client. Debezium registers its binlog handler when its
     * streaming source starts, so the guard comes before it as long as that source does not exist yet
     * ({@code streamingStarted}); listeners registered earlier (Debezium's metrics) only count events.
     */
    void attach(BinaryLogClient binlogClient, boolean streamingStarted) {
        if (streamingStarted) {
            throw new IllegalStateException("Tributary's row image check could not be placed before Debezium's binlog "
                    + "handler (Debezium's streaming had started already), so partial row images could pass unnoticed; "
                    + "the source restarts to try again");
        }
        this.client = binlogClient;
        binlogClient.registerEventListener(this);
        binlogClient.registerLifecycleListener(this);
    }

    @Override
    public void onConnect(BinaryLogClient connected) {
        EventDeserializer deserializer = eventDeserializer(connected);
        wrap(deserializer, EventType.TABLE_MAP);
        for (EventType rows : List.of(EventType.WRITE_ROWS, EventType.EXT_WRITE_ROWS, EventType.UPDATE_ROWS,
                EventType.EXT_UPDATE_ROWS, EventType.DELETE_ROWS, EventType.EXT_DELETE_ROWS,
                EventType.TRANSACTION_PAYLOAD)) {
            wrap(deserializer, rows);
        }
        if (!(deserializer.getEventDataDeserializer(EventType.PARTIAL_UPDATE_ROWS_EVENT) instanceof Checked)) {
            deserializer.setEventDataDeserializer(EventType.PARTIAL_UPDATE_ROWS_EVENT,
                    new Checked(new PartialUpdateRows(tables)::deserializeEvent));
        }
    }

    @Override
    public void onCommunicationFailure(BinaryLogClient c, Exception e) {}

    @Override
    public void onEventDeserializationFailure(BinaryLogClient c, Exception e) {}

    @Override
    public void onDisconnect(BinaryLogClient c) {}

    private void wrap(EventDeserializer deserializer, EventType type) {
        EventDataDeserializer<?> current = deserializer.getEventDataDeserializer(type);
        if (!(current instanceof Checked)) {
            deserializer.setEventDataDeserializer(type, new Checked(current));
        }
    }

    /** Debezium sets its deserializer on the client and keeps no other reference to it. */
    private static EventDeserializer eventDeserializer(BinaryLogClient c) {
        try {
            java.lang.reflect.Field f = BinaryLogClient.class.getDeclaredField("eventDeserializer");
            f.setAccessible(true);
            return (EventDeserializer) f.get(c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Tributary's row image check cannot reach the binlog client's event "
                    + "deserializer (mysql-binlog-connector-java changed?): " + e, e);
        }
    }

    @Override
    public void onEvent(Event event) {
        EventHeader header = event.getHeader();
        if (header.getEventType() == EventType.PARTIAL_UPDATE_ROWS_EVENT && event.getData() instanceof UpdateRowsEventData
                && header instanceof EventHeaderV4 v4) {
            v4.setEventType(EventType.EXT_UPDATE_ROWS); // decoded to whole rows: Debezium's update handler takes it
        }
        if (found.isEmpty()) {
            return;
        }
        String file = client == null ? "?" : client.getBinlogFilename();
        long position = header instanceof EventHeaderV4 v4 ? v4.getPosition() : -1;
        for (Map.Entry<Long, String> f : found.entrySet()) {
            TableMapEventData table = tables.get(f.getKey());
            try {
                report.accept(new PartialRowChange(table.getDatabase(), table.getTable(), file, position, f.getValue()));
            } catch (RuntimeException e) {
                // The client only logs a listener's failure: say it where operators look.
                LOG.error("Cannot report a partial change of {}.{}: {}", table.getDatabase(), table.getTable(), e, e);
            }
        }
        found.clear();
    }

    /**
     * Checks a deserialized event: remembers table maps, empties row events whose images lack columns,
     * looks into compressed transactions. Returns what to hand to Debezium.
     */
    EventData inspect(EventData data) {
        if (data instanceof TableMapEventData map) {
            tables.put(map.getTableId(), map);
        } else if (data instanceof TransactionPayloadEventData payload && payload.getUncompressedEvents() != null) {
            inspectPayload(payload);
        } else if (data != null) {
            String problem = missingColumns(data);
            if (problem != null) {
                found.putIfAbsent(tableId(data), problem);
                emptyRows(data);
            }
        }
        return data;
    }

    /** Inner events of a compressed transaction come deserialized by Debezium; a partial update's are not. */
    private void inspectPayload(TransactionPayloadEventData payload) {
        List<Event> inner = payload.getUncompressedEvents();
        List<Event> decoded = null;
        for (int i = 0; i < inner.size(); i++) {
            Event e = inner.get(i);
            if (e.getHeader().getEventType() == EventType.PARTIAL_UPDATE_ROWS_EVENT) {
                if (decoded == null) {
                    decoded = decodeAgain(payload);
                }
                e = decoded.get(i);
                if (e.getData() instanceof UpdateRowsEventData) {
                    ((EventHeaderV4) e.getHeader()).setEventType(EventType.EXT_UPDATE_ROWS);
                }
                inner.set(i, e);
            }
            inspect(e.getData());
        }
    }

    /** The payload's events once more, with partial updates decoded; the others are not needed again. */
    private List<Event> decodeAgain(TransactionPayloadEventData payload) {
        try {
            byte[] raw = payload.getCompressionType() == 0
                    ? com.github.luben.zstd.Zstd.decompress(payload.getPayload(), (int) payload.getUncompressedSize())
                    : payload.getPayload();
            Map<EventType, EventDataDeserializer> only = new java.util.EnumMap<>(EventType.class);
            only.put(EventType.TABLE_MAP, new com.github.shyiko.mysql.binlog.event.deserialization
                    .TableMapEventDataDeserializer());
            only.put(EventType.PARTIAL_UPDATE_ROWS_EVENT,
                    (EventDataDeserializer<EventData>) new PartialUpdateRows(tables)::deserializeEvent);
            EventDeserializer inner = new EventDeserializer(new com.github.shyiko.mysql.binlog.event.deserialization
                    .EventHeaderV4Deserializer(), new NullEventDataDeserializer(), only, new HashMap<>());
            ByteArrayInputStream in = new ByteArrayInputStream(raw);
            List<Event> events = new ArrayList<>();
            while (in.available() > 0) {
                events.add(inner.nextEvent(in));
            }
            return events;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read a compressed transaction's partial update: " + e.getMessage(), e);
        }
    }

    /** What a row event's images lack, or null when every image holds every column of its table. */
    String missingColumns(EventData data) {
        TableMapEventData table = tables.get(tableId(data));
        if (table == null) {
            return null;
        }
        int columns = table.getColumnTypes().length;
        String problem = null;
        if (data instanceof WriteRowsEventData w) {
            problem = lacking("its new row", w.getIncludedColumns(), columns, table);
        } else if (data instanceof UpdateRowsEventData u) {
            problem = lacking("its old row", u.getIncludedColumnsBeforeUpdate(), columns, table);
            if (problem == null) {
                problem = lacking("its new row", u.getIncludedColumns(), columns, table);
            }
        } else if (data instanceof DeleteRowsEventData d) {
            problem = lacking("its deleted row", d.getIncludedColumns(), columns, table);
        } else if (data instanceof PartialJson p) {
            problem = "changes JSON column " + p.column() + " by a diff (the session that wrote it had set "
                    + "binlog_row_value_options = PARTIAL_JSON) that cannot be applied: " + p.why();
        }
        return problem;
    }

    private static String lacking(String image, BitSet included, int columns, TableMapEventData table) {
        if (included == null || included.cardinality() >= columns) {
            return null;
        }
        List<String> missing = new ArrayList<>();
        for (int c = included.nextClearBit(0); c < columns; c = included.nextClearBit(c + 1)) {
            missing.add(columnName(table, c));
        }
        return "holds " + included.cardinality() + " of its " + columns + " columns in " + image + " (without "
                + String.join(", ", missing) + "): the session that wrote it had set binlog_row_image = MINIMAL or "
                + "NOBLOB (the server's global FULL, which the start-up check saw, applies only to sessions that leave "
                + "it alone)";
    }

    /** The column's name when the binlog carries it (binlog_row_metadata = FULL), else its number from 1. */
    private static String columnName(TableMapEventData table, int index) {
        if (table.getEventMetadata() != null && table.getEventMetadata().getColumnNames() != null
                && index < table.getEventMetadata().getColumnNames().size()) {
            return table.getEventMetadata().getColumnNames().get(index);
        }
        return "column " + (index + 1);
    }

    private static long tableId(EventData data) {
        if (data instanceof WriteRowsEventData w) {
            return w.getTableId();
        }
        if (data instanceof UpdateRowsEventData u) {
            return u.getTableId();
        }
        if (data instanceof DeleteRowsEventData d) {
            return d.getTableId();
        }
        if (data instanceof PartialJson p) {
            return p.tableId();
        }
        return -1;
    }

    private static void emptyRows(EventData data) {
        if (data instanceof WriteRowsEventData w) {
            w.setRows(new ArrayList<>());
        } else if (data instanceof UpdateRowsEventData u) {
            u.setRows(new ArrayList<>());
        } else if (data instanceof DeleteRowsEventData d) {
            d.setRows(new ArrayList<>());
        }
    }

    /** Where a column's value is in a row image that holds the {@code included} columns. */
    private static int slot(BitSet included, int column) {
        return included.get(0, column).cardinality();
    }

    /** A partial update whose JSON diff of {@code column} cannot be applied ({@code why}): nothing of it is. */
    record PartialJson(long tableId, String column, String why) implements EventData {}

    /** Wraps one of Debezium's data deserializers with {@link #inspect}. */
    private final class Checked implements EventDataDeserializer<EventData> {
        private final EventDataDeserializer<?> delegate;

        Checked(EventDataDeserializer<?> delegate) {
            this.delegate = delegate;
        }

        @Override
        public EventData deserialize(ByteArrayInputStream in) throws IOException {
            return inspect(delegate.deserialize(in));
        }
    }

    /**
     * PARTIAL_UPDATE_ROWS_EVENT: an update rows event (v2) whose after images start with the row's value
     * options and, when PARTIAL_JSON is among them, a bitmap with one bit per JSON column of the table
     * telling which of them is logged as a diff (MySQL's rows_event.h). A flagged column with no diff
     * is unchanged (seen here: an UPDATE of another column flags the JSON column with an empty diff) and
     * takes the before image's value; a diff is applied to the before image's document ({@link JsonDiffs}).
     * Rows read so are handed to Debezium as any update. A diff that cannot be applied makes the whole
     * event a {@link PartialJson}.
     */
    static final class PartialUpdateRows extends RowDeserializers.UpdateRowsDeserializer {
        private final Map<Long, TableMapEventData> known;

        PartialUpdateRows(Map<Long, TableMapEventData> known) {
            super(known, CommonConnectorConfig.EventProcessingFailureHandlingMode.FAIL);
            this.known = known;
        }

        EventData deserializeEvent(ByteArrayInputStream in) throws IOException {
            long tableId = in.readLong(6);
            in.skip(2); // flags
            int extraLength = in.readInteger(2);
            in.skip(extraLength - 2);
            int columns = in.readPackedInteger();
            BitSet before = in.readBitSet(columns, true);
            BitSet after = in.readBitSet(columns, true);
            TableMapEventData table = known.get(tableId);
            if (table == null) {
                throw new IOException("a partial update of table id " + tableId + " without its table map");
            }
            List<Integer> jsonColumns = new ArrayList<>();
            byte[] types = table.getColumnTypes();
            for (int c = 0; c < types.length; c++) {
                if ((types[c] & 0xFF) == MYSQL_TYPE_JSON) {
                    jsonColumns.add(c);
                }
            }
            List<Map.Entry<Serializable[], Serializable[]>> rows = new ArrayList<>();
            while (in.available() > 0) {
                Serializable[] old = deserializeRow(tableId, before, in);
                long valueOptions = in.readPackedLong();
                BitSet diffs = (valueOptions & 1) != 0 ? in.readBitSet(jsonColumns.size(), true) : new BitSet();
                // A column logged as a diff has the layout of a whole value (length, then bytes): the diff.
                Serializable[] now = deserializeRow(tableId, after, in);
                for (int j = diffs.nextSetBit(0); j >= 0; j = diffs.nextSetBit(j + 1)) {
                    int column = jsonColumns.get(j);
                    Serializable diff = after.get(column) ? now[slot(after, column)] : null;
                    Serializable whole = before.get(column) ? old[slot(before, column)] : null;
                    if (!(diff instanceof byte[] diffBytes) || !(whole instanceof byte[] document)) {
                        return new PartialJson(tableId, columnName(table, column), "the row's old document is not in "
                                + "the binlog to apply it to");
                    }
                    if (diffBytes.length == 0) {
                        // No diff at all: MySQL flags every JSON column of such a row, changed or not. Unchanged.
                        now[slot(after, column)] = document;
                        continue;
                    }
                    try {
                        now[slot(after, column)] = JsonDiffs.apply(document, JsonDiffs.read(diffBytes));
                    } catch (JsonDiffs.NotApplicable | IOException | RuntimeException e) {
                        return new PartialJson(tableId, columnName(table, column), e.getMessage());
                    }
                }
                rows.add(new AbstractMap.SimpleEntry<>(old, now));
            }
            UpdateRowsEventData data = new UpdateRowsEventData();
            data.setTableId(tableId);
            data.setIncludedColumnsBeforeUpdate(before);
            data.setIncludedColumns(after);
            data.setRows(rows);
            return data;
        }
    }
}
