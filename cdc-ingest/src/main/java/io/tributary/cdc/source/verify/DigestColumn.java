package io.tributary.cdc.source.verify;

import io.tributary.cdc.event.ValueKinds;
import java.util.Locale;
import java.util.Set;

/**
 * One MySQL column as a chunk checksum reads it: the same UTF-8 text from MySQL and from ClickHouse,
 * each written by its own server's functions (no pipeline conversion code on either side, so what a
 * conversion loses shows as a difference). Where the two servers print a value differently (FLOAT and
 * DOUBLE text, JSON's key order and spacing, spatial values) only whether it is NULL is checksummed:
 * {@code tributary verify} compares those columns value by value.
 *
 * @param dataType MySQL's {@code information_schema.columns.data_type}
 * @param columnType MySQL's {@code column_type} ({@code decimal(10,2)}, {@code int unsigned})
 */
public record DigestColumn(String name, String dataType, String columnType) {
    private static final Set<String> TEXT = Set.of("CHAR", "VARCHAR", "TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM",
            "SET");
    private static final Set<String> TEMPORAL = Set.of("DATE", "DATETIME", "TIMESTAMP", "TIME");
    private static final Set<String> INTEGERS = Set.of("TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "BIGINT");

    public DigestColumn {
        dataType = dataType.toUpperCase(Locale.ROOT);
        columnType = columnType.toLowerCase(Locale.ROOT);
    }

    /** {@code name} as a MySQL identifier. */
    public static String mysqlQuoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** {@code name} as a ClickHouse identifier. */
    public static String clickhouseQuoted(String name) {
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    /** Whether the value itself is checksummed, not only whether it is NULL. */
    public boolean valueChecksummed() {
        return INTEGERS.contains(dataType) || TEXT.contains(dataType) || TEMPORAL.contains(dataType)
                || ValueKinds.isBinary(dataType) || dataType.equals("DECIMAL") || dataType.equals("YEAR")
                || dataType.equals("BIT");
    }

    /**
     * Whether a key of this column can be cut into ranges both servers read alike ({@link
     * io.tributary.cdc.event.KeyLiteral}): integers, DECIMAL, DATE, DATETIME and TIMESTAMP (read in a UTC
     * session, as ClickHouse holds it). Not text under a collation, nor TIME or YEAR.
     */
    public boolean isRangeKey() {
        return INTEGERS.contains(dataType) || dataType.equals("DECIMAL") || dataType.equals("DATE")
                || dataType.equals("DATETIME") || dataType.equals("TIMESTAMP");
    }

    /** MySQL's text of the value as utf8mb4, or null when only NULL-ness is checksummed. */
    String mysqlText() {
        String q = mysqlQuoted(name);
        if (!valueChecksummed()) {
            return null;
        }
        if (ValueKinds.isBinary(dataType)) {
            return "LOWER(HEX(" + q + "))";
        }
        if (TEXT.contains(dataType)) {
            return "CONVERT(" + q + " USING utf8mb4)";
        }
        return switch (dataType) {
            case "BIT" -> "CAST(CAST(" + q + " AS UNSIGNED) AS CHAR CHARACTER SET utf8mb4)";
            case "YEAR" -> "CAST(" + q + " + 0 AS CHAR CHARACTER SET utf8mb4)";
            // CAST AS CHAR: temporal values as fixed-width text with the column's fraction digits, decimals with
            // every digit of their scale, integers as digits.
            default -> "CAST(" + q + " AS CHAR CHARACTER SET utf8mb4)";
        };
    }

    /** ClickHouse's text of the same value (in the types Tributary stores it as), or null as above. */
    String clickhouseText() {
        String q = clickhouseQuoted(name);
        if (!valueChecksummed()) {
            return null;
        }
        if (ValueKinds.isBinary(dataType)) {
            return "lower(hex(" + q + "))";
        }
        return switch (dataType) {
            case "BIT" -> "toString(toUInt64(" + q + "))"; // BIT(1) is a Bool, whose text is 'true'
            case "DECIMAL" -> "toDecimalString(" + q + ", " + decimalScale() + ")"; // trailing zeros kept, as MySQL
            default -> "toString(" + q + ")";
        };
    }

    private int decimalScale() {
        int comma = columnType.indexOf(',');
        return comma < 0 ? 0 : Integer.parseInt(columnType.substring(comma + 1, columnType.indexOf(')')).trim());
    }

    /**
     * Whether the value's text may hold the row text's separator {@code ;} or read as {@code N} or {@code V} (the
     * marks of NULL and of a present unchecked value): character, ENUM and SET text. Numbers, temporal values,
     * BIT, YEAR and lower-case hex cannot, so their text needs no length in front of it.
     */
    private boolean needsLength() {
        return TEXT.contains(dataType);
    }

    /**
     * MySQL's part of the row text, the parts joined by {@code ;}: {@code N} for NULL, {@code V} for a present
     * value only whose NULL-ness is checked, {@code <bytes>:<text>} for a character value, the bare text for
     * others. Each part is read back from the joined text in one way only, so no two rows read alike. The length
     * is written only where it is needed: building the row text is most of a checksum's cost in MySQL (1M rows of
     * {@code bench.events}: 1.38 s with a length before every value, 0.88 s so; the MD5 after it 0.5 s).
     */
    String mysqlPart() {
        String q = mysqlQuoted(name);
        String text = mysqlText();
        if (text == null) {
            return "IF(" + q + " IS NULL, 'N', 'V')";
        }
        if (!needsLength()) {
            return "COALESCE(" + text + ", 'N')";
        }
        return "IF(" + q + " IS NULL, 'N', CONCAT(LENGTH(" + text + "), ':', " + text + "))";
    }

    /** ClickHouse's part of the row text, byte for byte {@link #mysqlPart}'s. */
    String clickhousePart() {
        String q = clickhouseQuoted(name);
        String text = clickhouseText();
        if (text == null) {
            return "if(isNull(" + q + "), 'N', 'V')";
        }
        if (!needsLength()) {
            return "ifNull(" + text + ", 'N')";
        }
        return "if(isNull(" + q + "), 'N', concat(toString(length(assumeNotNull(" + text + "))), ':', assumeNotNull("
                + text + ")))";
    }
}
