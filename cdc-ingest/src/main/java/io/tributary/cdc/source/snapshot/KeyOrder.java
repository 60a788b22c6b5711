package io.tributary.cdc.source.snapshot;

import io.debezium.relational.Column;
import io.debezium.relational.Table;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Types;
import java.util.List;

/**
 * MySQL's order of a primary key, evaluated on Tributary's canonical key text, for the key types
 * where that order is exact in Java: integers (signed and UNSIGNED), DECIMAL, DATE, DATETIME and
 * TIMESTAMP (fixed-width text, so text order is time order) and binary strings (lower-case hex, so
 * text order is byte order). The chunk engine places each binlog change in the chunk whose key range
 * holds it, so a wrong answer here would hand a row to two chunks or none.
 *
 * <p>Character keys are ordered by their collation (case- and accent-insensitive, {@code ß = ss},
 * PAD SPACE), which Java does not reproduce; tables keyed by them are read as one chunk, and so are
 * tables without a primary key ({@link #of} returns null).
 */
public final class KeyOrder {
    enum Kind { INTEGER, DECIMAL, TEXT }

    private final List<String> columns;
    private final Kind[] kinds;

    private KeyOrder(List<String> columns, Kind[] kinds) {
        this.columns = columns;
        this.kinds = kinds;
    }

    /** The order of {@code table}'s primary key, or null when it has none or one this class cannot order. */
    public static KeyOrder of(Table table) {
        List<Column> key = table.primaryKeyColumns();
        if (key.isEmpty()) {
            return null;
        }
        Kind[] kinds = new Kind[key.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = kind(key.get(i));
            if (kinds[i] == null) {
                return null;
            }
        }
        return new KeyOrder(key.stream().map(Column::name).toList(), kinds);
    }

    private static Kind kind(Column column) {
        String type = column.typeName() == null ? "" : column.typeName().toUpperCase(java.util.Locale.ROOT);
        if (type.startsWith("YEAR")) {
            return null; // canonical text is the year, but keep rare types out of the proof
        }
        return switch (column.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> Kind.DECIMAL;
            case Types.DATE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TEXT;
            case Types.BINARY, Types.VARBINARY -> Kind.TEXT;
            default -> null;
        };
    }

    /**
     * The order a checkpoint kept ({@link #kindNames}): enough to place keys among chunk bounds, not
     * to read chunks (the column names are not kept). Null for no kinds (a table read whole).
     */
    public static KeyOrder ofKindNames(List<String> names) {
        if (names.isEmpty()) {
            return null;
        }
        return new KeyOrder(List.of(), names.stream().map(Kind::valueOf).toArray(Kind[]::new));
    }

    /** The key columns' kinds, as {@link #ofKindNames} reads them back. */
    public List<String> kindNames() {
        return java.util.Arrays.stream(kinds).map(Enum::name).toList();
    }

    public List<String> columns() {
        return columns;
    }

    /** The first key column is an integer and the only one: its ranges can be computed from MIN and MAX. */
    boolean singleInteger() {
        return kinds.length == 1 && kinds[0] == Kind.INTEGER;
    }

    /** Negative, zero or positive as key {@code a} sorts before, with or after key {@code b} in MySQL. */
    public int compare(String[] a, String[] b) {
        for (int i = 0; i < kinds.length; i++) {
            int c = switch (kinds[i]) {
                case INTEGER -> new BigInteger(a[i]).compareTo(new BigInteger(b[i]));
                case DECIMAL -> new BigDecimal(a[i]).compareTo(new BigDecimal(b[i]));
                case TEXT -> a[i].compareTo(b[i]);
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
