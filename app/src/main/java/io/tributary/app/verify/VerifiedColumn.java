package io.tributary.app.verify;

import io.tributary.sink.clickhouse.schema.TableNames;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * One MySQL column as {@code verify} reads it on both sides: the text each server is asked for, the
 * order both servers sort by (so the two row streams can be merged), and when two texts are the same
 * value. Written for verification alone: it shares no conversion code with the pipeline, so what the
 * pipeline's conversions lose shows up here.
 *
 * @param dataType MySQL's {@code data_type}, upper case ({@code INT}, {@code VARCHAR})
 * @param columnType MySQL's {@code column_type}, lower case ({@code int unsigned}, {@code decimal(10,2)})
 * @param keyPosition the column's place in the primary key from 1, or 0
 */
public record VerifiedColumn(String name, String dataType, String columnType, boolean nullable, int keyPosition) {
    /** How a column's values are ordered and compared. */
    enum Kind {
        /** Integers, DECIMAL, YEAR, BIT: ordered as numbers, compared as exact text. */
        NUMBER,
        /** FLOAT, DOUBLE: ordered and compared as the floating-point value (both servers print the shortest text). */
        FLOAT,
        /** DATE, DATETIME, TIMESTAMP: fixed-width text (in UTC), whose text order is time order. */
        FIXED_TEXT,
        /** Character strings, ENUM, SET, TIME: ordered by their UTF-8 bytes on both sides. */
        TEXT_BYTES,
        /** Binary strings: read as lower-case hex, whose text order is byte order. */
        BYTES,
        /** JSON: compared as parsed documents; not ordered (MySQL's text differs from the stored compact text). */
        JSON,
        /** Spatial values and unknown types: compared as exact text, not ordered. */
        UNORDERED
    }

    private static final Set<String> INTEGERS = Set.of("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT");
    private static final Set<String> BINARY = Set.of("BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB");
    private static final Set<String> SPATIAL = Set.of("GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT",
            "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "GEOMCOLLECTION");
    private static final Set<String> TEXT = Set.of("CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM",
            "SET", "TIME");

    public VerifiedColumn {
        dataType = dataType.toUpperCase(Locale.ROOT);
        columnType = columnType.toLowerCase(Locale.ROOT);
    }

    Kind kind() {
        if (INTEGERS.contains(dataType) || dataType.equals("DECIMAL") || dataType.equals("YEAR") || dataType.equals("BIT")) {
            return Kind.NUMBER;
        }
        if (dataType.equals("FLOAT") || dataType.equals("DOUBLE")) {
            return Kind.FLOAT;
        }
        if (dataType.equals("DATE") || dataType.equals("DATETIME") || dataType.equals("TIMESTAMP")) {
            return Kind.FIXED_TEXT;
        }
        if (TEXT.contains(dataType)) {
            return Kind.TEXT_BYTES;
        }
        if (BINARY.contains(dataType)) {
            return Kind.BYTES;
        }
        if (dataType.equals("JSON")) {
            return Kind.JSON;
        }
        return Kind.UNORDERED;
    }

    boolean spatial() {
        return SPATIAL.contains(dataType);
    }

    /**
     * Whether a table without a key is sorted by this column: not JSON or spatial values (MySQL's text
     * differs from ClickHouse's), nor long TEXT and BLOB values (sorting them costs much and decides
     * little); rows equal in the sorted columns are matched as multisets on all of them.
     */
    boolean orderable() {
        return kind() != Kind.JSON && kind() != Kind.UNORDERED && !LONG.contains(dataType);
    }

    private static final Set<String> LONG = Set.of("TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "TINYBLOB", "BLOB",
            "MEDIUMBLOB", "LONGBLOB");

    private String mysqlName() {
        return "`" + name.replace("`", "``") + "`";
    }

    /** MySQL's text for the column, in the form ClickHouse prints its value. */
    String mysqlSelect() {
        String q = mysqlName();
        if (io.tributary.cdc.event.ValueKinds.isBinary(dataType)) {
            return "LOWER(HEX(" + q + "))";
        }
        return switch (dataType) {
            // CAST AS CHAR: temporal values as text; decimals with every digit of their scale, never 1E-30.
            case "DATE", "DATETIME", "TIMESTAMP", "TIME", "DECIMAL" -> "CAST(" + q + " AS CHAR)";
            case "BIT" -> "CAST(" + q + " AS UNSIGNED)";
            default -> q;
        };
    }

    /** ClickHouse's text for the column, in the form {@link #mysqlSelect} gives MySQL's. */
    String clickhouseSelect() {
        String q = TableNames.quote(name);
        if (io.tributary.cdc.event.ValueKinds.isBinary(dataType)) {
            return "lower(hex(" + q + "))";
        }
        return dataType.equals("BIT") ? "toUInt64(" + q + ")" : q; // BIT(1) is a Bool ('true') in ClickHouse
    }

    /** What MySQL sorts by so that its order is {@link #compareOrder}'s (NULL first, as MySQL sorts ascending). */
    String mysqlOrder() {
        String q = mysqlName();
        return switch (kind()) {
            // As UTF-8 bytes whatever the column's character set (a latin1 column's own bytes sort otherwise).
            case TEXT_BYTES -> "CAST(CONVERT(" + (dataType.equals("TIME") ? "CAST(" + q + " AS CHAR)" : q)
                    + " USING utf8mb4) AS BINARY)";
            default -> q;
        };
    }

    /** What ClickHouse sorts by for the same order. */
    String clickhouseOrder() {
        return TableNames.quote(name) + " NULLS FIRST";
    }

    /** The order both servers were asked for, on the texts read: NULL first. */
    int compareOrder(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return switch (kind()) {
            case NUMBER -> new BigDecimal(a).compareTo(new BigDecimal(b));
            case FLOAT -> {
                double x = Double.parseDouble(a);
                double y = Double.parseDouble(b);
                yield x == y ? 0 : Double.compare(x, y); // -0 and 0 are one value to SQL
            }
            case TEXT_BYTES -> java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
                    b.getBytes(StandardCharsets.UTF_8));
            default -> a.compareTo(b);
        };
    }

    /** Whether MySQL's text and ClickHouse's text are the same value of this column. */
    boolean sameValue(String mysql, String clickhouse) {
        if (mysql == null || clickhouse == null) {
            return mysql == null && clickhouse == null;
        }
        return normalized(mysql).equals(normalized(clickhouse));
    }

    /**
     * The text a value is compared and checksummed as: floats as the parsed value (MySQL writes
     * {@code 3.40282E38}, ClickHouse {@code 3.40282e38}), JSON as the parsed document with object keys
     * sorted and numbers by value; everything else exactly as read.
     */
    String normalized(String text) {
        if (text == null) {
            return null;
        }
        return switch (kind()) {
            case FLOAT -> {
                try {
                    yield dataType.equals("FLOAT") ? Float.toString(Float.parseFloat(text))
                            : Double.toString(Double.parseDouble(text));
                } catch (NumberFormatException e) {
                    yield text; // nan/inf spellings: left as they are, so a difference shows
                }
            }
            case JSON -> JsonDocuments.canonical(text);
            default -> text;
        };
    }
}
