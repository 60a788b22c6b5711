package io.tributary.app;

import io.tributary.cdc.event.ValueKinds;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.job.TributaryJobOptions;
import io.tributary.job.enrich.Enrichment;
import io.tributary.job.enrich.EnrichmentResolver;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;

/**
 * Compares every captured MySQL table with its ClickHouse view, and every enriched table with its
 * query run on MySQL: row count, a SHA-256 over all rows in primary-key order, and on mismatch the
 * first differing primary keys. Binary columns are compared as hex; decimals with their full
 * scale; temporal values as text in UTC.
 */
public final class Verify {
    private static final int SHOWN_DIFFERENCES = 5;

    private Verify() {}

    public static int run(Configuration config, PrintStream out) throws Exception {
        MySqlSourceConfig mysql = MySqlSourceConfig.from(config);
        ClickHouseSinkConfig sink = ClickHouseSinkConfig.from(config);
        ClickHouseHttp clickhouse = sink.client();
        String url = mysql.jdbcUrl("&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&yearIsDateType=false");
        int different = 0;
        try (Connection c = DriverManager.getConnection(url, mysql.user(), mysql.password())) {
            List<TableComparison> results = new ArrayList<>();
            for (String table : capturedTables(c, mysql)) {
                results.add(compare(c, clickhouse, sink, table));
            }
            for (Enrichment e : new EnrichmentResolver(mysql).load(config.getOptional(TributaryJobOptions.ENRICHMENTS_DIR))) {
                results.add(compare(c, clickhouse, sink, e));
            }
            for (TableComparison result : results) {
                out.println(result.describe());
                if (!result.equal()) {
                    different++;
                }
            }
        }
        out.println(different == 0 ? "verify: ClickHouse equals MySQL" : "verify: " + different + " table(s) differ");
        return different == 0 ? 0 : 1;
    }

    static List<String> capturedTables(Connection c, MySqlSourceConfig mysql) throws Exception {
        if (!mysql.tables().isEmpty()) {
            return mysql.tables();
        }
        List<String> tables = new ArrayList<>();
        for (String db : mysql.databases()) {
            try (var st = c.prepareStatement("SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                    + "AND table_type = 'BASE TABLE' ORDER BY table_name")) {
                st.setString(1, db);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        tables.add(db + "." + rs.getString(1));
                    }
                }
            }
        }
        return tables;
    }

    record Column(String name, String mysqlType, boolean key) {}

    static TableComparison compare(Connection c, ClickHouseHttp clickhouse, ClickHouseSinkConfig sink, String table)
            throws Exception {
        String db = table.substring(0, table.indexOf('.'));
        String name = table.substring(table.indexOf('.') + 1);
        return compareRows(c, clickhouse, table, mysqlColumns(c, db, name), "`" + db + "`.`" + name + "`",
                new TableNames(sink.targetDatabase(db), name));
    }

    /** An enriched table against its query run on MySQL now. */
    static TableComparison compare(Connection c, ClickHouseHttp clickhouse, ClickHouseSinkConfig sink, Enrichment e)
            throws Exception {
        String fact = e.factTable();
        List<Column> columns = new ArrayList<>(mysqlColumns(c, fact.substring(0, fact.indexOf('.')),
                fact.substring(fact.indexOf('.') + 1)));
        for (Enrichment.AddedColumn added : e.columns()) {
            String type = added.schema().sourceType().replace(" UNSIGNED", "");
            columns.add(new Column(added.schema().name(), type, false));
        }
        return compareRows(c, clickhouse, e.database() + "." + e.name() + " (enrichment)", columns,
                "(" + e.mysqlQuery() + ") AS enriched", new TableNames(sink.targetDatabase(e.database()), e.name()));
    }

    private static List<Column> mysqlColumns(Connection c, String db, String name) throws Exception {
        List<Column> columns = new ArrayList<>();
        try (var st = c.prepareStatement("SELECT column_name, data_type, column_key FROM information_schema.columns "
                + "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            st.setString(1, db);
            st.setString(2, name);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2).toUpperCase(), "PRI".equals(rs.getString(3))));
                }
            }
        }
        return columns;
    }

    private static TableComparison compareRows(Connection c, ClickHouseHttp clickhouse, String table, List<Column> columns,
                                               String mysqlFrom, TableNames names) throws Exception {
        Map<String, String> mysqlRows = new HashMap<>();
        String mysqlSelect = columns.stream().map(Verify::mysqlExpression).reduce((a, b) -> a + ", " + b).orElseThrow();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT " + mysqlSelect + " FROM " + mysqlFrom)) {
            while (rs.next()) {
                String[] values = new String[columns.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = normalize(columns.get(i), rs.getString(i + 1));
                }
                mysqlRows.put(key(columns, values, mysqlRows), row(values));
            }
        }
        String chSelect = columns.stream().map(Verify::clickhouseExpression).reduce((a, b) -> a + ", " + b).orElseThrow();
        Map<String, String> clickhouseRows = new HashMap<>();
        int clickhouseLines = 0;
        String body;
        try {
            body = clickhouse.query("SELECT " + chSelect + " FROM " + names.view() + " FORMAT TabSeparated",
                    Map.of("output_format_decimal_trailing_zeros", "1"));
        } catch (RuntimeException e) {
            return new TableComparison(table, mysqlRows.size(), -1, "", "", List.of("ClickHouse: " + e.getMessage()));
        }
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] values = line.split("\t", -1);
            for (int i = 0; i < values.length; i++) {
                values[i] = normalize(columns.get(i), io.tributary.sink.clickhouse.client.TsvText.unescape(values[i]));
            }
            clickhouseLines++;
            String key = key(columns, values, clickhouseRows);
            if (clickhouseRows.put(key, row(values)) != null) {
                clickhouseRows.put(key, "duplicate");
            }
        }
        TreeMap<String, String> differences = new TreeMap<>();
        for (Entry<String, String> e : mysqlRows.entrySet()) {
            String other = clickhouseRows.get(e.getKey());
            if (other == null) {
                differences.put(e.getKey(), "missing in ClickHouse");
            } else if (other.equals("duplicate")) {
                differences.put(e.getKey(), "more than one row in ClickHouse");
            } else if (!other.equals(e.getValue())) {
                differences.put(e.getKey(), "MySQL " + e.getValue() + " vs ClickHouse " + other);
            }
        }
        for (String k : clickhouseRows.keySet()) {
            if (!mysqlRows.containsKey(k)) {
                differences.put(k, "only in ClickHouse");
            }
        }
        List<String> shown = differences.entrySet().stream().limit(SHOWN_DIFFERENCES)
                .map(e -> "key " + e.getKey() + ": " + e.getValue()).toList();
        return new TableComparison(table, mysqlRows.size(), clickhouseLines, checksum(mysqlRows),
                checksum(clickhouseRows), shown);
    }

    /** MySQL's text for a column, in the form ClickHouse prints it (full fractional digits, hex bytes). */
    private static String mysqlExpression(Column col) {
        String quoted = "`" + col.name().replace("`", "``") + "`";
        if (ValueKinds.isBinary(col.mysqlType())) {
            return "LOWER(HEX(" + quoted + "))";
        }
        return switch (col.mysqlType()) {
            // CAST AS CHAR: temporal values as text; decimals with every digit of their scale, never 1E-30.
            case "DATE", "DATETIME", "TIMESTAMP", "TIME", "DECIMAL" -> "CAST(" + quoted + " AS CHAR)";
            case "BIT" -> "CAST(" + quoted + " AS UNSIGNED)";
            default -> quoted;
        };
    }

    /** ClickHouse's text for a column, in the form {@link #mysqlExpression} gives MySQL's. */
    private static String clickhouseExpression(Column col) {
        String quoted = TableNames.quote(col.name());
        if (ValueKinds.isBinary(col.mysqlType())) {
            return "lower(hex(" + quoted + "))";
        }
        // BIT(1) is a ClickHouse Bool ('true'); MySQL's CAST gives the number.
        return col.mysqlType().equals("BIT") ? "toUInt64(" + quoted + ")" : quoted;
    }

    /**
     * JSON documents are compared as parsed values. Floating-point values are compared as numbers: MySQL writes 3.40282E38 and ClickHouse 3.40282e38,
     * and both write the shortest text that reads back as the same float, which may differ in digits.
     */
    static String normalize(Column col, String text) {
        if (text != null && col.mysqlType().equals("JSON")) {
            return io.tributary.cdc.event.JsonText.canonical(text); // MySQL's display text vs the stored compact text
        }
        if (text == null || !(col.mysqlType().equals("FLOAT") || col.mysqlType().equals("DOUBLE"))) {
            return text;
        }
        try {
            return col.mysqlType().equals("FLOAT") ? Float.toString(Float.parseFloat(text))
                    : Double.toString(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return text; // nan/inf spellings differ; left as they are so a difference shows
        }
    }

    /**
     * The primary key's values; for a table without one, the whole row numbered by its occurrence,
     * so both sides are compared as multisets (two identical rows must be two rows).
     */
    private static String key(List<Column> columns, String[] values, Map<String, String> rowsSoFar) {
        if (columns.stream().noneMatch(Column::key)) {
            String row = row(values);
            int copy = 1;
            while (rowsSoFar.containsKey(row + " #" + copy)) {
                copy++;
            }
            return row + " #" + copy;
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).key()) {
                sb.append(sb.length() > 1 ? ", " : "").append(columns.get(i).name()).append('=').append(values[i]);
            }
        }
        return sb.append(')').toString();
    }

    private static String row(String[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) {
            sb.append(sb.length() > 1 ? ", " : "").append(v == null ? "NULL" : "'" + v + "'");
        }
        return sb.append(']').toString();
    }

    private static String checksum(Map<String, String> rows) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Entry<String, String> e : new TreeMap<>(rows).entrySet()) {
            sha.update((e.getKey() + "\u0001" + e.getValue() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    /** One table's verdict. */
    record TableComparison(String table, int mysqlRows, int clickhouseRows, String mysqlChecksum,
                           String clickhouseChecksum, List<String> differences) {
        boolean equal() {
            return differences.isEmpty() && mysqlRows == clickhouseRows;
        }

        String describe() {
            String head = String.format("%-28s rows mysql=%d clickhouse=%d checksum mysql=%s clickhouse=%s %s", table,
                    mysqlRows, clickhouseRows, mysqlChecksum, clickhouseChecksum, equal() ? "EQUAL" : "DIFFERENT");
            return differences.isEmpty() ? head : head + "\n    " + String.join("\n    ", differences);
        }
    }
}
