package io.tributary.cdc.source.snapshot;

import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.tributary.cdc.event.ChangeEvent;
import io.tributary.cdc.event.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * MySQL's order of a primary key, evaluated on Tributary's canonical key text, for the key types
 * where that order is exact in Java: integers (signed and UNSIGNED), DECIMAL, DATE, DATETIME and
 * TIMESTAMP (fixed-width text, so text order is time order) and binary strings (lower-case hex, so
 * text order is byte order). The chunk engine places each binlog change in the chunk whose key range
 * holds it, so a wrong answer here would hand a row to two chunks or none.
 *
 * <p>Character keys (CHAR, VARCHAR) are ordered by their collation (case- and accent-insensitive,
 * {@code ß = ss}, PAD SPACE), which Java does not reproduce: for them the text compared is MySQL's
 * weight of the value ({@link KeyCollation}, {@link KeyWeights}), not the value. Other keys (ENUM, SET,
 * YEAR, floating point, BIT, TEXT) are read as one chunk, and so are tables without a primary key
 * ({@link #of} returns null).
 */
public final class KeyOrder {
    /**
     * TEMPORAL: DATE and DATETIME, wall-clock text that ClickHouse compares alike. TEXT: TIMESTAMP (its text
     * is UTC, the snapshot's sessions are not) and binary strings. Names are kept in checkpoints.
     */
    enum Kind { INTEGER, DECIMAL, TEMPORAL, TEXT, COLLATED }

    private final List<String> columns;
    private final Kind[] kinds;
    /** Per key column: its collation when it is {@link Kind#COLLATED}, else null. */
    private final KeyCollation[] collations;
    /** {@link #kindNames} joined, built once: {@link KeyWeights} keys its statements and cache by it for every change. */
    private final String signature;
    private volatile Positions positions;

    private KeyOrder(List<String> columns, Kind[] kinds, KeyCollation[] collations) {
        this.columns = columns;
        this.kinds = kinds;
        this.collations = collations;
        this.signature = String.join(",", kindNames());
    }

    /** The order of {@code table}'s primary key without character columns, or null ({@link #of(Table, Map)}). */
    public static KeyOrder of(Table table) {
        return of(table, Map.of());
    }

    /**
     * The order of {@code table}'s primary key, with {@code collations} for its character columns (by
     * column name, {@link KeyCollation#read}), or null when it has none or one this class cannot order.
     */
    public static KeyOrder of(Table table, Map<String, KeyCollation> collations) {
        List<Column> key = table.primaryKeyColumns();
        if (key.isEmpty()) {
            return null;
        }
        Kind[] kinds = new Kind[key.size()];
        KeyCollation[] byColumn = new KeyCollation[key.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = kind(key.get(i));
            if (kinds[i] == Kind.COLLATED) {
                byColumn[i] = collations.get(key.get(i).name());
                if (byColumn[i] == null) {
                    return null;
                }
            }
            if (kinds[i] == null) {
                return null;
            }
        }
        return new KeyOrder(key.stream().map(Column::name).toList(), kinds, byColumn);
    }

    /** Whether some key column of {@code table} is a character column ({@link #of(Table, Map)} needs its collation). */
    public static boolean needsCollations(Table table) {
        return table.primaryKeyColumns().stream().anyMatch(c -> kind(c) == Kind.COLLATED);
    }

    private static Kind kind(Column column) {
        String type = column.typeName() == null ? "" : column.typeName().toUpperCase(java.util.Locale.ROOT);
        if (type.startsWith("YEAR")) {
            return null; // canonical text is the year, but keep rare types out of the proof
        }
        return switch (column.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> Kind.DECIMAL;
            case Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE ->
                    type.equals("DATE") || type.startsWith("DATETIME") ? Kind.TEMPORAL : Kind.TEXT;
            case Types.BINARY, Types.VARBINARY -> Kind.TEXT;
            // ENUM and SET come as CHAR too; they sort by their definition's order, not by a collation.
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR ->
                    type.startsWith("ENUM") || type.startsWith("SET") ? null : Kind.COLLATED;
            default -> null;
        };
    }

    /**
     * The order a checkpoint kept ({@link #kindNames}, and the key's {@code columns}, empty in state written
     * before they were kept): enough to place keys among chunk bounds. Null for no kinds (a table read whole).
     */
    public static KeyOrder ofKindNames(List<String> names, List<String> columns) {
        if (names.isEmpty()) {
            return null;
        }
        Kind[] kinds = new Kind[names.size()];
        KeyCollation[] collations = new KeyCollation[names.size()];
        for (int i = 0; i < kinds.length; i++) {
            String name = names.get(i);
            int colon = name.indexOf(':');
            kinds[i] = Kind.valueOf(colon < 0 ? name : name.substring(0, colon));
            if (kinds[i] == Kind.COLLATED) {
                collations[i] = KeyCollation.parse(name.substring(colon + 1));
            }
        }
        return new KeyOrder(List.copyOf(columns), kinds, collations);
    }

    /**
     * {@code event}'s primary-key values in this order's columns, the order of every chunk bound: a key declared
     * as {@code (b, a)} over columns {@code a, b} is ordered by {@code b} first, while the event lists its key
     * values in column order. In column order when the columns are not known (state kept before they were).
     */
    public String[] keyOf(ChangeEvent event) {
        TableSchema schema = event.schema();
        Positions p = positions;
        if (p == null || p.schema != schema) {
            p = new Positions(schema, positionsIn(schema)); // schemas are interned: one per shape, compared by identity
            positions = p;
        }
        if (p.indexes == null) {
            return event.keyValues();
        }
        String[] key = new String[p.indexes.length];
        for (int i = 0; i < key.length; i++) {
            key[i] = event.value(p.indexes[i]);
        }
        return key;
    }

    private int[] positionsIn(TableSchema schema) {
        if (columns.size() != kinds.length) {
            return null;
        }
        int[] indexes = new int[columns.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = -1;
            for (int c = 0; c < schema.columns().size(); c++) {
                if (schema.columns().get(c).name().equalsIgnoreCase(columns.get(i))) {
                    indexes[i] = c;
                }
            }
            if (indexes[i] < 0) {
                return null; // not this key's table shape any more: the caller's key change handling applies
            }
        }
        return indexes;
    }

    /** Where this key's columns are in one table shape; replaced, never changed, so readers on other threads see it whole. */
    private record Positions(TableSchema schema, int[] indexes) {}

    /** The key columns' kinds, as {@link #ofKindNames} reads them back (a character column with its collation). */
    public List<String> kindNames() {
        List<String> names = new java.util.ArrayList<>(kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            names.add(kinds[i] == Kind.COLLATED ? kinds[i].name() + ":" + collations[i].spec() : kinds[i].name());
        }
        return names;
    }

    /** The key columns' kinds and collations as one text: equal for orders that compare keys alike. */
    String signature() {
        return signature;
    }

    /** Whether some key column is a character column: keys are placed by their weights ({@link KeyWeights}). */
    public boolean hasCollatedColumns() {
        return java.util.Arrays.stream(kinds).anyMatch(k -> k == Kind.COLLATED);
    }

    /** The collation of key column {@code column}, or null when it is not a character column. */
    KeyCollation collation(int column) {
        return collations[column];
    }

    /** The number of key columns. */
    int size() {
        return kinds.length;
    }

    public List<String> columns() {
        return columns;
    }

    /**
     * Whether every key column is a number, a DATE or a DATETIME: its key ranges select the same rows in ClickHouse
     * as in MySQL ({@link io.tributary.cdc.event.KeyLiteral}), so a resumed snapshot or a repair can remove there
     * what an earlier run stored in the ranges it reads again.
     */
    public boolean rangesReadAlike() {
        return java.util.Arrays.stream(kinds).allMatch(k -> k == Kind.INTEGER || k == Kind.DECIMAL || k == Kind.TEMPORAL);
    }

    /** The first key column is an integer and the only one: its ranges can be computed from MIN and MAX. */
    boolean singleInteger() {
        return kinds.length == 1 && kinds[0] == Kind.INTEGER;
    }

    /**
     * Negative, zero or positive as key {@code a} sorts before, with or after key {@code b} in MySQL; a
     * character column's text is its weight ({@link KeyWeights#placementKey}).
     */
    public int compare(String[] a, String[] b) {
        for (int i = 0; i < kinds.length; i++) {
            int c = switch (kinds[i]) {
                case INTEGER -> new BigInteger(a[i]).compareTo(new BigInteger(b[i]));
                case DECIMAL -> new BigDecimal(a[i]).compareTo(new BigDecimal(b[i]));
                case TEMPORAL, TEXT -> a[i].compareTo(b[i]);
                case COLLATED -> collations[i].compare(a[i], b[i]);
            };
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** How a key column's bound is read from a result set and bound to a statement, so MySQL compares it exactly. */
    Kind kind(int column) {
        return kinds[column];
    }
}
