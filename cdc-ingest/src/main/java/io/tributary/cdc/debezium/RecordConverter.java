package io.tributary.cdc.debezium;

import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.ColumnSchema;
import io.tributary.cdc.event.SourcePosition;
import io.tributary.cdc.event.TableSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium's MySQL change records into {@link ChangeEvent}s with canonical text values.
 * Requires the connector settings made by {@link DebeziumProperties} (precise decimals,
 * microsecond time, bytes for binary, source column types propagated).
 */
public final class RecordConverter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecordConverter.class);
    /** Tables (without database) whose UPDATEs carry the replaced row; null: every table. */
    private final java.util.Set<String> replacedImageTables;

    /** Converts UPDATEs with their replaced row image for every table. */
    public RecordConverter() {
        this(null);
    }

    /**
     * Converts the replaced row of an UPDATE only for {@code replacedImageTables} and for tables
     * without a primary key (their changelog needs it); converting it costs as much as the row.
     */
    public RecordConverter(java.util.Set<String> replacedImageTables) {
        this.replacedImageTables = replacedImageTables == null ? null : java.util.Set.copyOf(replacedImageTables);
    }

    static final String TYPE_PARAM = "__debezium.source.column.type";
    static final String LENGTH_PARAM = "__debezium.source.column.length";
    static final String SCALE_PARAM = "__debezium.source.column.scale";
    private static final HexFormat HEX = HexFormat.of();

    /**
     * Keyed by the row and key schema instances (ADD/DROP PRIMARY KEY changes only the key schema):
     * Debezium keeps one instance per table shape, and Connect schemas hash deeply, which per record
     * was a visible cost in a profile.
     */
    private final Map<SchemaInstances, TableReader> readers = new ConcurrentHashMap<>();
    private static final int MAX_READERS = 10_000;
    /** The newest TableSchema per row schema, for TRUNCATE records, which carry no key schema. */
    private final Map<Schema, TableSchema> latestByRowSchema = new ConcurrentHashMap<>();
    /** Builds the rows' schema of a table a schema change names; null: DDL events carry no columns. */
    private volatile java.util.function.Function<io.debezium.relational.Table, Schema> valueSchemas;
    /** The version epoch of the positions made from here on ({@link SourcePosition#withEpoch}). */
    private volatile int epoch;

    /** Positions from now on are in {@code epoch}: the reader's, which a switch to another server raised. */
    public void useEpoch(int epoch) {
        this.epoch = SourcePosition.requireEpoch(epoch);
    }

    /** {@code position} (built from binlog coordinates, epoch 0) as a version of rows converted from now on. */
    public SourcePosition inEpoch(SourcePosition position) {
        int e = epoch;
        return e == 0 ? position : position.withEpoch(e);
    }

    /** The change event, or {@code null} for records that carry nothing to apply (heartbeats, tombstones). */
    public ChangeEvent convert(SourceRecord record) {
        if (record.value() instanceof Struct change && change.schema().field("ddl") != null) {
            return ddl(change);
        }
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null) {
            return null;
        }
        Struct source = envelope.getStruct("source");
        String database = source.getString("db");
        String table = source.getString("table");
        String opCode = envelope.getString("op");
        ChangeEvent.Op op = switch (opCode) {
            case "r" -> ChangeEvent.Op.SNAPSHOT;
            case "c" -> ChangeEvent.Op.INSERT;
            case "u" -> ChangeEvent.Op.UPDATE;
            case "d" -> ChangeEvent.Op.DELETE;
            case "t" -> ChangeEvent.Op.TRUNCATE;
            default -> throw new IllegalStateException(database + "." + table + ": unknown Debezium op '" + opCode + "'");
        };
        Struct row = op.isDelete() ? envelope.getStruct("before") : envelope.getStruct("after");
        if (op == ChangeEvent.Op.TRUNCATE) {
            return truncate(database, table, envelope, source, record);
        }
        Schema rowSchema = envelope.schema().field(op.isDelete() ? "before" : "after").schema();
        TableReader reader = reader(database, table, rowSchema, record.keySchema());
        TableSchema schema = reader.schema();
        String file = source.getString("file");
        long pos = source.getInt64("pos");
        SourcePosition position = inEpoch(op == ChangeEvent.Op.SNAPSHOT
                ? SourcePosition.snapshot(file, pos)
                : SourcePosition.binlog(file, pos, eventInPayload(pos, record.sourceOffset()), source.getInt32("row")));
        Long ts = source.getInt64("ts_ms");
        String[] values = rowValues(database, table, reader, row, position);
        // FULL row images give the replaced row too: changelogs retract it, so views stay exact.
        boolean wanted = replacedImageTables == null || !schema.hasPrimaryKey() || replacedImageTables.contains(table);
        Struct replaced = op == ChangeEvent.Op.UPDATE && wanted ? envelope.getStruct("before") : null;
        String[] before = replaced == null ? null : rowValues(database, table, reader, replaced, position);
        return ChangeEvent.replacing(database, table, op, position, ts == null ? 0 : ts, schema, values, before);
    }

    /**
     * A row Tributary's own snapshot read at {@code position}: {@code fieldValues} are Debezium's
     * converted values of the JDBC row, indexed by {@code rowSchema}'s fields
     * ({@link DebeziumTables.RowConverter}), so the row converts exactly as Debezium's snapshot records do.
     */
    /** The columns of snapshot rows read with these schemas, as {@link #snapshotRow} gives them. */
    public TableSchema schemaOf(String database, String table, Schema rowSchema, Schema keySchema) {
        return reader(database, table, rowSchema, keySchema).schema();
    }

    public ChangeEvent snapshotRow(String database, String table, Schema rowSchema, Schema keySchema,
                                   Object[] fieldValues, SourcePosition position, long readAtMs) {
        TableReader reader = reader(database, table, rowSchema, keySchema);
        SourcePosition at = inEpoch(position);
        List<ColumnSchema> columns = reader.schema().columns();
        String[] values = new String[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Field field = reader.fields()[i];
            values[i] = checked(database, table, columns.get(i), text(database, table, columns.get(i), field.schema(),
                    fieldValues[field.index()]), at);
        }
        return new ChangeEvent(database, table, ChangeEvent.Op.SNAPSHOT, at, readAtMs, reader.schema(), values);
    }

    /** Identity of a row and key schema pair. */
    private record SchemaInstances(Schema row, Schema key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SchemaInstances other && other.row == row && other.key == key;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(row) + System.identityHashCode(key);
        }
    }

    /** A table shape: its schema and, in column order, the Connect fields its values are read from. */
    private record TableReader(TableSchema schema, Field[] fields, boolean[] defaulted) {}

    private TableReader reader(String database, String table, Schema rowSchema, Schema keySchema) {
        SchemaInstances instances = new SchemaInstances(rowSchema, keySchema);
        TableReader known = readers.get(instances);
        if (known != null) {
            return known;
        }
        TableSchema schema = tableSchema(database, table, rowSchema, keySchema);
        List<ColumnSchema> columns = schema.columns();
        Field[] fields = new Field[columns.size()];
        boolean[] defaulted = new boolean[fields.length];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = rowSchema.field(columns.get(i).name());
            defaulted[i] = fields[i].schema().defaultValue() != null;
        }
        if (readers.size() >= MAX_READERS) {
            readers.clear();
        }
        TableReader reader = new TableReader(schema, fields, defaulted);
        readers.put(instances, reader);
        latestByRowSchema.put(rowSchema, schema);
        return reader;
    }

    private static String[] rowValues(String database, String table, TableReader reader, Struct row,
                                      SourcePosition position) {
        List<ColumnSchema> columns = reader.schema().columns();
        String[] values = new String[columns.size()];
        for (int i = 0; i < values.length; i++) {
            ColumnSchema column = columns.get(i);
            Field field = reader.fields()[i];
            // Struct.get would turn an explicit NULL into the column's default value: only fields without one use it.
            Object value = reader.defaulted()[i] ? row.getWithoutDefault(field.name()) : row.get(field);
            values[i] = checked(database, table, column, text(database, table, column, field.schema(), value), position);
        }
        return values;
    }

    /** The value, if ClickHouse can hold it and a NOT NULL column has one. */
    private static String checked(String database, String table, ColumnSchema column, String value,
                                  SourcePosition position) {
        requireClickHouseRange(database, table, column, value, position);
        if (value == null && !column.nullable()) {
            throw new IllegalStateException("Column " + database + "." + table + "." + column.name()
                    + " is NOT NULL but the " + (position.isSnapshot() ? "snapshot" : "binlog") + " row at " + position
                    + " has no value for it (an invalid or zero date under a permissive sql_mode?). Fix the row in MySQL"
                    + " (or make the column NULL), then run ./tributary resync --config FILE " + database + "." + table
                    + " (the table is parked until then).");
        }
        return value;
    }

    /** What to do about a value Tributary cannot take: the last sentence of such an error. */
    static String correctValueThenResync(String database, String table) {
        return "Correct the value in MySQL (or leave the table out of source.mysql.tables), then run "
                + "./tributary resync --config FILE " + database + "." + table + " (the table is parked until then).";
    }

    /** ClickHouse's Date32 and DateTime64 hold 1900-01-01 .. 2299-12-31; MySQL allows 1000 .. 9999. */
    static final String CLICKHOUSE_MIN_DATE = "1900-01-01";
    static final String CLICKHOUSE_MAX_DATE = "2299-12-31";

    /**
     * A date ClickHouse cannot store would be clamped there without a word: stop instead, naming the
     * value and where it is. (Text comparison is exact: both sides are yyyy-MM-dd... with 4-digit years.)
     */
    static void requireClickHouseRange(String database, String table, ColumnSchema column, String value,
                                       SourcePosition position) {
        if (value == null) {
            return;
        }
        String type = column.sourceType();
        if (!(type.equals("DATE") || type.equals("DATETIME") || type.equals("TIMESTAMP"))) {
            return;
        }
        String day = value.length() >= 10 ? value.substring(0, 10) : value;
        if (day.compareTo(CLICKHOUSE_MIN_DATE) < 0 || day.compareTo(CLICKHOUSE_MAX_DATE) > 0) {
            throw new IllegalStateException("Column " + database + "." + table + "." + column.name() + " (" + type
                    + ") has the value '" + value + "' at " + position + ", outside what ClickHouse can store ("
                    + CLICKHOUSE_MIN_DATE + " to " + CLICKHOUSE_MAX_DATE + "). Nothing was written for this change. "
                    + correctValueThenResync(database, table));
        }
    }

    /** A schema change record: the statement and the first table Debezium says it touches. */
    private ChangeEvent ddl(Struct change) {
        Struct source = change.getStruct("source");
        Object snapshot = source.schema().field("snapshot") == null ? null : source.get("snapshot");
        if (snapshot != null && !"false".equals(snapshot.toString())) {
            // The snapshot replays DROP TABLE IF EXISTS + CREATE TABLE for every table to rebuild the schema:
            // not something that happened to the data.
            return null;
        }
        String database = change.getString("databaseName");
        String table = "";
        Object changes = change.schema().field("tableChanges") == null ? null : change.get("tableChanges");
        if (changes instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Struct first) {
            String id = first.getString("id"); // "db"."table"
            int dot = id.lastIndexOf("\".\"");
            table = dot < 0 ? id.replace("\"", "") : id.substring(dot + 3, id.length() - 1);
        }
        Integer row = source.schema().field("row") == null ? null : source.getInt32("row");
        SourcePosition position = inEpoch(SourcePosition.binlog(source.getString("file"), source.getInt64("pos"),
                row == null ? 0 : row));
        Long ts = source.getInt64("ts_ms");
        String statement = change.getString("ddl");
        database = database == null ? "" : database;
        TableSchema after = changes instanceof List<?> list ? tableAfter(database, table, list, statement) : null;
        return after == null ? ChangeEvent.ddl(database, table, position, ts == null ? 0 : ts, statement)
                : ChangeEvent.ddl(database, table, position, ts == null ? 0 : ts, statement, after);
    }

    /** Where the rows' schema of a table named by a schema change comes from ({@link DebeziumTables#valueSchema}). */
    public void tableSchemasFrom(java.util.function.Function<io.debezium.relational.Table, Schema> valueSchemas) {
        this.valueSchemas = valueSchemas;
    }

    /**
     * The columns of the one table a CREATE or ALTER TABLE left, as its rows will carry them, so that the sink
     * changes ClickHouse at the statement's own position even if no row of the table follows (an ADD COLUMN
     * with a DEFAULT on a table nobody writes to was otherwise never seen). Null for other statements, or a
     * table of another database than the statement's.
     */
    private TableSchema tableAfter(String database, String table, List<?> changes, String statement) {
        java.util.function.Function<io.debezium.relational.Table, Schema> schemas = valueSchemas;
        if (schemas == null || changes.size() != 1 || !(changes.get(0) instanceof Struct change)
                || !("CREATE".equals(change.getString("type")) || "ALTER".equals(change.getString("type")))) {
            return null;
        }
        try {
            io.debezium.relational.Table after = TableChangeStructs.table(database, table, change);
            String id = change.getString("id");
            if (after == null || !id.equals("\"" + database + "\".\"" + table + "\"")) {
                return null; // a table of another database than the statement's, or none
            }
            return columns(database, table, schemas.apply(after), Set.copyOf(after.primaryKeyColumnNames()));
        } catch (RuntimeException e) {
            // The rows that follow carry their schema as before; only a statement no row follows waits for one.
            LOG.warn("{}.{}: the columns after '{}' could not be derived ({}); ClickHouse follows with the next row",
                    database, table, statement, e.toString());
            return null;
        }
    }

    /**
     * The index of this row event inside a compressed transaction payload, 0 outside one. The events
     * inside a payload ({@code binlog_transaction_compression=ON}) have no binlog position of their own:
     * Debezium gives them all the payload's, and their row numbers start again at 0 in each event, so
     * without this index the rows of the second statement of a compressed transaction had the versions
     * of the first one's and were dropped as replays (ServerSettingsIT). Such an event is recognised by its
     * transaction, whose BEGIN is inside the payload too, starting at the event's own position (Debezium's
     * restart offset); outside a payload the BEGIN precedes the row event. Debezium's offset counts the
     * transaction's completed events, so a replay from the transaction's start gives the same index.
     */
    static long eventInPayload(long eventPosition, Map<String, ?> offset) {
        if (offset == null || !(offset.get("pos") instanceof Number restartAt) || restartAt.longValue() != eventPosition
                || !(offset.get("event") instanceof Number event)) {
            return 0;
        }
        return event.longValue();
    }

    /** A table-level event: the row schema comes from the envelope (no row), the position from the source. */
    private ChangeEvent truncate(String database, String table, Struct envelope, Struct source, SourceRecord record) {
        // Truncate records carry no key; the row schema's cached TableSchema has the key columns when rows came first.
        Schema rowSchema = envelope.schema().field("before").schema();
        TableSchema schema = latestByRowSchema.get(rowSchema);
        if (schema == null) {
            schema = columns(database, table, rowSchema, Set.of());
        }
        SourcePosition position = inEpoch(SourcePosition.binlog(source.getString("file"), source.getInt64("pos"),
                source.getInt32("row")));
        Long ts = source.getInt64("ts_ms");
        return new ChangeEvent(database, table, ChangeEvent.Op.TRUNCATE, position, ts == null ? 0 : ts, schema,
                new String[schema.columns().size()]);
    }

    static TableSchema tableSchema(String database, String table, Schema rowSchema, Schema keySchema) {
        if (keySchema == null || keySchema.fields().isEmpty()) {
            // No primary key: the table is kept as a multiset of rows (see TableSchema#hasPrimaryKey).
            return columns(database, table, rowSchema, Set.of());
        }
        Set<String> keys = new HashSet<>();
        keySchema.fields().forEach(f -> keys.add(f.name()));
        return columns(database, table, rowSchema, keys);
    }

    private static TableSchema columns(String database, String table, Schema rowSchema, Set<String> keys) {
        List<ColumnSchema> columns = new ArrayList<>();
        for (Field f : rowSchema.fields()) {
            Map<String, String> params = f.schema().parameters();
            if (params == null || !params.containsKey(TYPE_PARAM)) {
                throw new IllegalStateException(database + "." + table + "." + f.name()
                        + ": the source column type is missing; column.propagate.source.type must be set");
            }
            ColumnSchema column = new ColumnSchema(f.name(), params.get(TYPE_PARAM).toUpperCase(Locale.ROOT),
                    intParam(params, LENGTH_PARAM), intParam(params, SCALE_PARAM),
                    f.schema().isOptional(), keys.contains(f.name()));
            Object defaultValue = f.schema().defaultValue();
            String defaultText = defaultValue == null ? null : text(database, table, column, f.schema(), defaultValue);
            columns.add(new ColumnSchema(column.name(), column.sourceType(), column.length(), column.scale(),
                    column.nullable(), column.key(), defaultText));
        }
        return TableSchema.interned(columns);
    }

    private static int intParam(Map<String, String> params, String name) {
        String v = params.get(name);
        return v == null ? -1 : Integer.parseInt(v);
    }

    static String text(String database, String table, ColumnSchema column, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String logical = schema.name();
        int precision = Math.max(0, Math.min(6, column.length()));
        if (logical != null) {
            switch (logical) {
                case "org.apache.kafka.connect.data.Decimal":
                    return ((BigDecimal) value).toPlainString();
                case "io.debezium.time.Date":
                    return TemporalText.date((Integer) value);
                case "io.debezium.time.Timestamp":
                    return TemporalText.dateTimeFromMicros((Long) value * 1000L, precision);
                case "io.debezium.time.MicroTimestamp":
                    return TemporalText.dateTimeFromMicros((Long) value, precision);
                case "io.debezium.time.ZonedTimestamp":
                    return TemporalText.instant((String) value, precision);
                case "io.debezium.time.MicroTime":
                    return TemporalText.time((Long) value, precision);
                case "io.debezium.time.Time":
                    return TemporalText.time(((Integer) value) * 1000L, precision);
                case "io.debezium.data.Bits":
                    return Long.toUnsignedString(littleEndianBits(bytes(value)));
                case "io.debezium.data.Json":
                    return io.tributary.cdc.event.JsonText.canonical((String) value);
                default:
                    break;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64, STRING -> value.toString();
            case FLOAT32 -> floatText(((Float) value).doubleValue(), Float.toString((Float) value));
            case FLOAT64 -> floatText((Double) value, Double.toString((Double) value));
            case BOOLEAN -> ((Boolean) value) ? "true" : "false";
            case BYTES -> HEX.formatHex(bytes(value));
            default -> throw new IllegalStateException("Unsupported value for " + database + "." + table + "."
                    + column.name() + " (" + column.sourceType() + ", Connect type " + schema.type()
                    + "): exclude the column with column.exclude.list or open an issue");
        };
    }

    private static String floatText(double v, String javaText) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return javaText;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
        return (byte[]) value;
    }

    private static long littleEndianBits(byte[] b) {
        long v = 0;
        for (int i = Math.min(b.length, 8) - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }
}
