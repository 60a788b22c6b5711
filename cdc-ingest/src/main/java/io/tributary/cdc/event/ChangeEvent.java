package io.tributary.cdc.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One row change from MySQL, as it flows through the job. Values are canonical text
 * (integers and decimals in plain decimal form, temporal values as
 * {@code yyyy-MM-dd HH:mm:ss.ffffff} without zone shift for DATETIME and in UTC for TIMESTAMP,
 * bytes as lower-case hex); {@code null} is SQL NULL. A delete carries the row's last image; an
 * update also carries the image it replaced ({@link #before()}), which changelogs retract.
 */
public final class ChangeEvent {
    public enum Op {
        SNAPSHOT, INSERT, UPDATE, DELETE,
        /** TRUNCATE TABLE: every row of the table at an earlier position is gone; values are all null. */
        TRUNCATE,
        /**
         * A DDL statement ({@link #ddl()}) on a captured database; its schema is the table's after the statement
         * when it creates or alters one table (values all null), else empty.
         */
        DDL,
        /**
         * A snapshot of the table starts at {@link #position()}, reading {@link #scope()}: versions older than it
         * in that scope (what an earlier attempt stored, rows deleted since) are removed. Values are empty.
         */
        SNAPSHOT_BEGIN;

        public boolean isDelete() {
            return this == DELETE;
        }

        /** A row INSERT, UPDATE or DELETE read from the binlog: not a snapshot row, a TRUNCATE or a DDL. */
        public boolean isBinlogRowChange() {
            return this == INSERT || this == UPDATE || this == DELETE;
        }
    }

    private final String database;
    private final String table;
    private final Op op;
    private final SourcePosition position;
    private final long sourceTimestampMs;
    private final TableSchema schema;
    private final String[] values;
    private final String ddl;
    private final String[] before;
    private final SnapshotScope scope;

    public ChangeEvent(String database, String table, Op op, SourcePosition position, long sourceTimestampMs,
                       TableSchema schema, String[] values) {
        this(database, table, op, position, sourceTimestampMs, schema, values, null, null, null);
    }

    private ChangeEvent(String database, String table, Op op, SourcePosition position, long sourceTimestampMs,
                        TableSchema schema, String[] values, String ddl, String[] before, SnapshotScope scope) {
        this.ddl = ddl;
        this.before = before;
        this.scope = scope;
        if ((op == Op.SNAPSHOT_BEGIN) != (scope != null)) {
            throw new IllegalArgumentException(database + "." + table + ": a scope belongs to a snapshot's begin only");
        }
        if (before != null && before.length != values.length) {
            throw new IllegalArgumentException(database + "." + table + ": a before image of " + before.length
                    + " values for " + values.length + " columns");
        }
        this.database = Objects.requireNonNull(database, "database");
        this.table = Objects.requireNonNull(table, "table");
        this.op = Objects.requireNonNull(op, "op");
        this.position = Objects.requireNonNull(position, "position");
        this.sourceTimestampMs = sourceTimestampMs;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.values = Objects.requireNonNull(values, "values");
        if (values.length != schema.columns().size()) {
            throw new IllegalArgumentException(database + "." + table + ": " + values.length + " values for "
                    + schema.columns().size() + " columns");
        }
    }

    /** A DDL statement as MySQL logged it, run in {@code database}; {@code table} is the first table it names. */
    public static ChangeEvent ddl(String database, String table, SourcePosition position, long sourceTimestampMs,
                                  String statement) {
        return ddl(database, table, position, sourceTimestampMs, statement, new TableSchema(java.util.List.of()));
    }

    /** A DDL statement that left {@code table} (in {@code database}) with the columns of {@code tableAfter}. */
    public static ChangeEvent ddl(String database, String table, SourcePosition position, long sourceTimestampMs,
                                  String statement, TableSchema tableAfter) {
        return new ChangeEvent(database, table, Op.DDL, position, sourceTimestampMs, tableAfter,
                new String[tableAfter.columns().size()], Objects.requireNonNull(statement, "statement"), null, null);
    }

    /**
     * A snapshot of {@code table} reads {@code scope} at {@code snapshot} (the version of its rows): emitted
     * before the table's first snapshot row, and for a table read empty instead of any, so that the sinks
     * remove versions older than the snapshot in that scope, once per table and snapshot. Rows of an earlier
     * attempt may have been deleted in MySQL since; an empty table has no row to tell the sinks so.
     */
    public static ChangeEvent snapshotBegin(String database, String table, SourcePosition snapshot, long readAtMs,
                                            SnapshotScope scope) {
        return snapshotBegin(database, table, snapshot, readAtMs, scope, new TableSchema(java.util.List.of()));
    }

    /**
     * A begin that also carries the table's columns as the snapshot read them (no values), so that the sinks
     * create a table read empty, which no row would create; an empty schema when they are not known.
     */
    public static ChangeEvent snapshotBegin(String database, String table, SourcePosition snapshot, long readAtMs,
                                            SnapshotScope scope, TableSchema schema) {
        return new ChangeEvent(database, table, Op.SNAPSHOT_BEGIN, snapshot, readAtMs, schema,
                new String[schema.columns().size()], null, null, Objects.requireNonNull(scope, "scope"));
    }

    /**
     * A change that replaced the row image {@code before} (same schema): an UPDATE, or an enriched
     * row emitted again. {@code before} may be null when nothing was there.
     */
    public static ChangeEvent replacing(String database, String table, Op op, SourcePosition position,
                                        long sourceTimestampMs, TableSchema schema, String[] values, String[] before) {
        return new ChangeEvent(database, table, op, position, sourceTimestampMs, schema, values, null,
                before == null ? null : before.clone(), null);
    }

    /** The row image this change replaced (UPDATE), or null: inserts, deletes and snapshot reads have none. */
    public String[] before() { return before == null ? null : before.clone(); }

    public boolean hasBefore() { return before != null; }

    /** One value of the replaced image; only when {@link #hasBefore()}. */
    public String beforeValue(int index) { return before[index]; }

    /** What a {@link Op#SNAPSHOT_BEGIN} reads, else null. */
    public SnapshotScope scope() { return scope; }

    /** The statement of a {@link Op#DDL} event, else null. */
    public String ddl() { return ddl; }

    public String database() { return database; }

    public String table() { return table; }

    public String qualifiedTable() { return database + "." + table; }

    public Op op() { return op; }

    public SourcePosition position() { return position; }

    /** When MySQL committed the change (binlog event time), or the snapshot's read time. */
    public long sourceTimestampMs() { return sourceTimestampMs; }

    public TableSchema schema() { return schema; }

    public String value(int index) { return values[index]; }

    public String[] values() { return values.clone(); }

    /** The primary key's values, in key column order (empty without a key). */
    public String[] keyValues() {
        int[] indexes = schema.keyIndexes();
        String[] key = new String[indexes.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = values[indexes[i]];
        }
        return key;
    }

    /** Table and primary key values: the unit of ordering and deduplication. */
    public String key() {
        if (op == Op.DDL || op == Op.SNAPSHOT_BEGIN) {
            return qualifiedTable(); // no key values; one table, one writer
        }
        StringBuilder sb = new StringBuilder(qualifiedTable());
        for (int i : schema.keyIndexes()) {
            sb.append('\u0000').append(values[i]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ChangeEvent e)) {
            return false;
        }
        return database.equals(e.database) && table.equals(e.table) && op == e.op && position.equals(e.position)
                && sourceTimestampMs == e.sourceTimestampMs && schema.equals(e.schema) && Arrays.equals(values, e.values)
                && Objects.equals(ddl, e.ddl) && Arrays.equals(before, e.before) && Objects.equals(scope, e.scope);
    }

    @Override
    public int hashCode() {
        return Objects.hash(database, table, op, position, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return op + " " + qualifiedTable() + " @" + position + " " + (ddl != null ? ddl : scope != null ? scope : Arrays.toString(values));
    }
}
