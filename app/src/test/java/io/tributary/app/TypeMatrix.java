package io.tributary.app;

import java.util.List;

/**
 * The documented MySQL → ClickHouse mapping: for each MySQL type, the ClickHouse column type and,
 * for edge values, the exact text ClickHouse returns ({@code toString}, or {@code hex} for bytes).
 * {@link TypeMatrixIT} proves every line against the real servers; {@link #markdown} is
 * docs/type-mapping.md.
 */
final class TypeMatrix {
    record ValueCase(String mysqlLiteral, String clickhouseText, String note) {
        ValueCase(String mysqlLiteral, String clickhouseText) {
            this(mysqlLiteral, clickhouseText, "");
        }
    }

    /** {@code whenOmitted}: what ClickHouse holds for a row inserted without this column ({@code \\N} for NULL). */
    record TypeCase(String mysqlType, String clickhouseType, boolean hex, String note, List<ValueCase> values,
                    String whenOmitted) {}

    static final String NULL = "\\N";

    private static TypeCase t(String mysql, String clickhouse, String note, ValueCase... values) {
        return new TypeCase(mysql, clickhouse, false, note, List.of(values), NULL);
    }

    private static TypeCase omitted(String mysql, String clickhouse, String note, String whenOmitted, ValueCase... values) {
        return new TypeCase(mysql, clickhouse, false, note, List.of(values), whenOmitted);
    }

    private static TypeCase bytes(String mysql, String clickhouse, String note, ValueCase... values) {
        return new TypeCase(mysql, clickhouse, true, note, List.of(values), NULL);
    }

    private static ValueCase v(String literal, String text) {
        return new ValueCase(literal, text);
    }

    private static ValueCase v(String literal, String text, String note) {
        return new ValueCase(literal, text, note);
    }

    static final List<TypeCase> CASES = List.of(
            t("TINYINT", "Int8", "", v("-128", "-128"), v("127", "127"), v("0", "0")),
            t("TINYINT UNSIGNED", "UInt8", "", v("0", "0"), v("255", "255")),
            t("SMALLINT", "Int16", "", v("-32768", "-32768"), v("32767", "32767")),
            t("SMALLINT UNSIGNED", "UInt16", "", v("65535", "65535")),
            t("MEDIUMINT", "Int32", "", v("-8388608", "-8388608"), v("8388607", "8388607")),
            t("MEDIUMINT UNSIGNED", "UInt32", "", v("16777215", "16777215")),
            t("INT", "Int32", "", v("-2147483648", "-2147483648"), v("2147483647", "2147483647")),
            t("INT UNSIGNED", "UInt32", "", v("4294967295", "4294967295")),
            t("BIGINT", "Int64", "", v("-9223372036854775808", "-9223372036854775808"),
                    v("9223372036854775807", "9223372036854775807")),
            t("BIGINT UNSIGNED", "UInt64", "", v("0", "0"), v("18446744073709551615", "18446744073709551615")),
            t("DECIMAL(1,0)", "Decimal(1, 0)", "", v("-9", "-9"), v("9", "9")),
            t("DECIMAL(10,2)", "Decimal(10, 2)", "", v("-12345678.90", "-12345678.9"), v("0.01", "0.01")),
            t("DECIMAL(65,30)", "Decimal(65, 30)", "precision up to 65 digits kept exactly",
                    v("'99999999999999999999999999999999999.999999999999999999999999999999'",
                            "99999999999999999999999999999999999.999999999999999999999999999999"),
                    v("'-0.000000000000000000000000000001'", "-0.000000000000000000000000000001")),
            t("FLOAT", "Float32", "", v("-0e0", "-0"), v("3.40282e38", "3.40282e38"), v("1.17549e-38", "1.17549e-38"),
                    v("0.1", "0.1")),
            t("DOUBLE", "Float64", "", v("-0e0", "-0"), v("1.7976931348623157e308", "1.7976931348623157e308"),
                    v("2.2250738585072014e-308", "2.2250738585072014e-308"), v("4.9e-324", "5e-324"), v("0.1", "0.1")),
            t("BIT(1)", "Bool", "", v("b'1'", "true"), v("b'0'", "false")),
            t("BIT(5)", "UInt64", "the bits as an unsigned number", v("b'10101'", "21")),
            t("BIT(64)", "UInt64", "", v("b'1111111111111111111111111111111111111111111111111111111111111111'",
                    "18446744073709551615")),
            t("BOOL", "Int8", "MySQL's BOOL is TINYINT(1): any TINYINT value is kept", v("TRUE", "1"), v("FALSE", "0"),
                    v("-5", "-5")),
            t("CHAR(4)", "String", "MySQL removes trailing spaces of CHAR", v("'ab  '", "ab"), v("''", "")),
            t("VARCHAR(40)", "String", "utf8mb4, 4-byte characters kept", v("'\u00e9t\u00e9 \uD83D\uDE00 \u4e2d'",
                    "\u00e9t\u00e9 \uD83D\uDE00 \u4e2d"), v("'tab\\there\\nnewline \\\\ backslash'",
                    "tab\there\nnewline \\ backslash"), v("''", "")),
            t("TEXT", "String", "", v("REPEAT('x', 65535)", "x".repeat(65535), "65,535 characters")),
            t("LONGTEXT", "String", "", v("REPEAT('\uD83D\uDE00', 100000)", "\uD83D\uDE00".repeat(100000),
                    "100,000 four-byte characters")),
            bytes("BINARY(4)", "String", "bytes; MySQL pads BINARY with 0x00", v("x'00FF'", "00FF0000")),
            bytes("VARBINARY(10)", "String", "arbitrary bytes", v("x'000102FF0A09'", "000102FF0A09"), v("x''", "")),
            bytes("BLOB", "String", "", v("x'00'", "00"), v("x'5C0D0A'", "5C0D0A")),
            t("ENUM('a','b','c d')", "String", "the label", v("'c d'", "c d"), v("'a'", "a")),
            t("SET('x','y','z')", "String", "labels joined by ','", v("'x,z'", "x,z"), v("''", "")),
            t("YEAR", "UInt16", "", v("1901", "1901"), v("2155", "2155"), v("0", "0")),
            t("DATE", "Date32", "ClickHouse Date32 covers 1900-01-01..2299-12-31; other dates stop the table with an error",
                    v("'1900-01-01'", "1900-01-01"), v("'2024-02-29'", "2024-02-29"), v("'2299-12-31'", "2299-12-31")),
            t("TIME", "String", "MySQL's TIME range as text", v("'-838:59:59'", "-838:59:59"), v("'838:59:59'", "838:59:59"),
                    v("'00:00:00'", "00:00:00")),
            t("TIME(6)", "String", "", v("'-12:34:56.789012'", "-12:34:56.789012")),
            t("DATETIME", "DateTime64(0, 'UTC')", "wall-clock digits, never shifted by a zone",
                    v("'2021-03-28 02:30:00'", "2021-03-28 02:30:00", "a time that does not exist in Europe/Berlin"),
                    v("'1900-01-01 00:00:00'", "1900-01-01 00:00:00"), v("'2299-12-31 23:59:59'", "2299-12-31 23:59:59")),
            t("DATETIME(3)", "DateTime64(3, 'UTC')", "", v("'2021-10-31 02:30:00.125'", "2021-10-31 02:30:00.125",
                    "an hour that occurs twice in Europe/Berlin")),
            t("DATETIME(6)", "DateTime64(6, 'UTC')", "microseconds kept", v("'2024-01-01 12:34:56.123456'",
                    "2024-01-01 12:34:56.123456"), v("'2299-12-31 23:59:59.999999'", "2299-12-31 23:59:59.999999")),
            t("TIMESTAMP", "DateTime64(0, 'UTC')", "the instant, in UTC (MySQL session zone +05:30 here)",
                    v("'2021-03-28 07:00:00'", "2021-03-28 01:30:00", "01:30 UTC, the DST change in Europe/Berlin"),
                    v("'1970-01-01 05:30:01'", "1970-01-01 00:00:01", "TIMESTAMP's minimum")),
            t("TIMESTAMP(6)", "DateTime64(6, 'UTC')", "", v("'2038-01-19 08:44:07.999999'", "2038-01-19 03:14:07.999999",
                    "TIMESTAMP's maximum")),
            t("JSON", "String", "compact JSON text of MySQL's value, keys in MySQL's order", v("'{\"b\": null, \"a\": [1, 2.5, \"x\"]}'",
                    "{\"a\":[1,2.5,\"x\"],\"b\":null}")),
            bytes("GEOMETRY", "String", "MySQL's internal format: 4-byte SRID, then WKB",
                    v("ST_GeomFromText('POINT(1 2)')", "000000000101000000000000000000F03F0000000000000040")),
            bytes("POINT", "String", "", v("ST_GeomFromText('POINT(-1.5 0)', 4326)",
                    "E610000001010000000000000000000000000000000000F8BF",
                    "SRID 4326: MySQL stores longitude first, so x = 0, y = -1.5, byte for byte as MySQL holds it")),
            omitted("INT NULL DEFAULT 5", "Int32", "NULL and default kept apart; a row inserted without the column "
                    + "has 5", "5", v("NULL", NULL, "explicit NULL stays NULL, not the default"), v("6", "6")),
            omitted("INT AS (6 * 7) STORED", "Int32", "stored generated column: MySQL's computed value", "42",
                    v("DEFAULT", "42")),
            omitted("INT AS (6 * 7) VIRTUAL", "Int32", "virtual generated column: MySQL's computed value", "42",
                    v("DEFAULT", "42"))
    );

    private TypeMatrix() {}

    /** docs/type-mapping.md. */
    static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# MySQL to ClickHouse type mapping\n\n");
        b.append("Generated from `app/src/test/java/io/tributary/app/TypeMatrix.java`; `TypeMatrixIT` inserts every value\n");
        b.append("below into a real MySQL 8 (once before the snapshot, once while streaming the binlog), runs the real\n");
        b.append("pipeline into a real ClickHouse with MySQL's time zone at +05:30 and the pipeline JVM started with\n");
        b.append("`-Duser.timezone=Europe/Berlin` (Tributary runs its JVM in UTC whatever it is started with, so DATETIME\n");
        b.append("values in a daylight-saving gap keep their digits; on a Flink cluster a non-UTC TaskManager stops the\n");
        b.append("MySQL reader with a message asking for `-Duser.timezone=UTC`),\n");
        b.append("and compares the ClickHouse text (`toString`, or `hex` for bytes) with this table. Every column is\n");
        b.append("also checked in a row inserted without it, which holds NULL (`Nullable(T)` for NULL-able columns)\n");
        b.append("unless the table says otherwise below (defaults, generated columns).\n\n");
        b.append("| MySQL type | ClickHouse type | MySQL value | ClickHouse value | note |\n|---|---|---|---|---|\n");
        for (TypeCase tc : CASES) {
            boolean first = true;
            for (ValueCase v : tc.values()) {
                String note = first ? tc.note() : "";
                if (!v.note().isEmpty()) {
                    note = note.isEmpty() ? v.note() : note + "; " + v.note();
                }
                b.append("| ").append(first ? "`" + tc.mysqlType() + "`" : "").append(" | ")
                        .append(first ? "`" + tc.clickhouseType() + "`" : "").append(" | ")
                        .append(cell(v.mysqlLiteral())).append(" | ")
                        .append(tc.hex() ? "hex " + cell(v.clickhouseText()) : cell(v.clickhouseText())).append(" | ")
                        .append(note).append(" |\n");
                first = false;
            }
        }
        b.append("\n## Values ClickHouse cannot hold\n\n");
        b.append("- DATE, DATETIME and TIMESTAMP values outside 1900-01-01 .. 2299-12-31 (MySQL allows 1000 .. 9999): the\n");
        b.append("  table is parked before the change is written (its changes are skipped, the other tables keep flowing),\n");
        b.append("  with a message naming `db.table.column`, the value and the binlog position in the log and `/status`\n");
        b.append("  (`RecordConverterTest`, `ParkAndResyncIT`). Correct the value in MySQL, then `./tributary resync db.table`.\n");
        b.append("- Zero dates (`0000-00-00`, allowed by a permissive sql_mode) in a NOT NULL column park the table the\n");
        b.append("  same way. In a NULL-able column Debezium delivers them as NULL, indistinguishable from a real NULL:\n");
        b.append("  a known gap, listed in issue 3.\n");
        b.append("- YEAR 0000 is kept as 0 (Debezium's own YEAR conversion would make it 2000; Tributary converts YEAR itself).\n");
        b.append("\nDATETIME is wall-clock time: its digits are stored as they are in a `DateTime64(n, 'UTC')` column, so\n");
        b.append("ClickHouse shows exactly MySQL's digits. TIMESTAMP is an instant, stored in UTC.\n");
        return b.toString();
    }

    private static String cell(String s) {
        String shown = s.length() > 60 ? s.substring(0, 40) + "… (" + s.length() + " chars)" : s;
        return "`" + shown.replace("|", "\\|").replace("\t", "\\t").replace("\n", "\\n") + "`";
    }
}
