package io.tributary.app.verify;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ClickHouse type a MySQL column must have in its view, per docs/type-mapping.md, written out
 * here on its own (not taken from the sink's mapping), so a column the sink typed wrongly is reported.
 */
final class ExpectedClickHouseType {
    private static final Pattern PRECISION = Pattern.compile("\\((\\d+)(?:,(\\d+))?\\)");

    private ExpectedClickHouseType() {}

    /** The type, {@code Nullable(..)} for NULL-able columns; null for a MySQL type this does not know. */
    static String of(VerifiedColumn column) {
        String base = base(column.dataType(), column.columnType());
        if (base == null) {
            return null;
        }
        return column.nullable() ? "Nullable(" + base + ")" : base;
    }

    private static String base(String dataType, String columnType) {
        boolean unsigned = columnType.contains("unsigned");
        Matcher m = PRECISION.matcher(columnType);
        String p = m.find() ? m.group(1) : null;
        String s = p == null ? null : m.group(2);
        return switch (dataType.toUpperCase(Locale.ROOT)) {
            case "TINYINT" -> unsigned ? "UInt8" : "Int8";
            case "SMALLINT" -> unsigned ? "UInt16" : "Int16";
            case "MEDIUMINT", "INT", "INTEGER" -> unsigned ? "UInt32" : "Int32";
            case "BIGINT" -> unsigned ? "UInt64" : "Int64";
            case "DECIMAL" -> "Decimal(" + (p == null ? "10" : p) + ", " + (s == null ? "0" : s) + ")";
            case "FLOAT" -> "Float32";
            case "DOUBLE" -> "Float64";
            case "BIT" -> "1".equals(p) || p == null ? "Bool" : "UInt64";
            case "YEAR" -> "UInt16";
            case "DATE" -> "Date32";
            case "DATETIME", "TIMESTAMP" -> "DateTime64(" + (p == null ? "0" : p) + ", 'UTC')";
            case "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET", "TIME", "JSON", "BINARY",
                 "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB", "GEOMETRY", "POINT", "LINESTRING", "POLYGON",
                 "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "GEOMCOLLECTION" -> "String";
            default -> null;
        };
    }
}
