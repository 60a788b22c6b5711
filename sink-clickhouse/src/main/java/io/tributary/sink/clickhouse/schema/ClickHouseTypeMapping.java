package io.tributary.sink.clickhouse.schema;

import io.tributary.cdc.event.ColumnSchema;

/**
 * MySQL column type to ClickHouse column type, chosen so every MySQL value is kept exactly.
 * DATETIME is wall-clock time and TIMESTAMP an instant; both are stored as DateTime64 in UTC,
 * which for DATETIME means "no shift": the digits are MySQL's digits.
 */
public final class ClickHouseTypeMapping {
    private ClickHouseTypeMapping() {}

    public static String columnType(String table, ColumnSchema column) {
        String base = baseType(table, column);
        return column.nullable() ? "Nullable(" + base + ")" : base;
    }

    static String baseType(String table, ColumnSchema c) {
        String type = c.sourceType();
        boolean unsigned = type.endsWith(" UNSIGNED") || type.endsWith(" UNSIGNED ZEROFILL");
        String name = type.replace(" UNSIGNED", "").replace(" ZEROFILL", "").trim();
        return switch (name) {
            case "TINYINT" -> unsigned ? "UInt8" : "Int8";
            case "SMALLINT" -> unsigned ? "UInt16" : "Int16";
            case "MEDIUMINT", "INT", "INTEGER" -> unsigned ? "UInt32" : "Int32";
            case "BIGINT" -> unsigned ? "UInt64" : "Int64";
            case "DECIMAL", "NUMERIC", "DEC", "FIXED" -> "Decimal(" + (c.length() > 0 ? c.length() : 10) + ", "
                    + Math.max(c.scale(), 0) + ")";
            case "FLOAT" -> "Float32";
            case "DOUBLE", "REAL", "DOUBLE PRECISION" -> "Float64";
            case "BIT" -> c.length() == 1 || c.length() < 0 ? "Bool" : "UInt64";
            case "BOOL", "BOOLEAN" -> "Int8";
            case "CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET", "JSON" -> "String";
            case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB" -> "String";
            case "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                 "GEOMETRYCOLLECTION", "GEOMCOLLECTION" -> "String";
            case "YEAR" -> "UInt16";
            case "DATE" -> "Date32";
            case "DATETIME", "TIMESTAMP" -> "DateTime64(" + fractionalDigits(c) + ", 'UTC')";
            case "TIME" -> "String";
            default -> throw new IllegalArgumentException("Column " + table + "." + c.name() + " has MySQL type "
                    + c.sourceType() + ", which Tributary cannot map to ClickHouse yet. Leave the column out with "
                    + "column.exclude.list, or change its type.");
        };
    }

    static int fractionalDigits(ColumnSchema c) {
        return c.length() >= 0 && c.length() <= 6 ? c.length() : 0;
    }
}
