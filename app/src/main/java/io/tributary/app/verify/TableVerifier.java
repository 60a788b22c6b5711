package io.tributary.app.verify;

import io.tributary.job.enrich.Enrichment;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.schema.TableNames;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies one MySQL table (or enrichment) against ClickHouse: its columns first, then its rows, by
 * chunk checksums where every column's value is checksummed (row by row inside a chunk that differs),
 * else every row.
 */
public final class TableVerifier implements AutoCloseable {
    private final Connection mysql;
    private final ClickHouseHttp clickhouse;
    private final ClickHouseSinkConfig sink;
    private final boolean everyRow;
    private final ChecksumWorkers workers;

    /**
     * {@code everyRow}: compare every row of every table, not chunk checksums first ({@link ChunkedComparison}), which
     * {@code threads} connections from {@code opener} compute, each one chunk at a time.
     */
    public TableVerifier(Connection mysql, ClickHouseHttp clickhouse, ClickHouseSinkConfig sink, boolean everyRow,
                         MySqlOpener opener, int threads) {
        this.workers = new ChecksumWorkers(opener::open, threads);
        this.mysql = mysql;
        this.clickhouse = clickhouse;
        this.sink = sink;
        this.everyRow = everyRow;
    }

    /** Opens a MySQL connection in the session settings of {@code verify}'s own. */
    public interface MySqlOpener {
        Connection open() throws java.sql.SQLException;
    }

    /** Closes the checksum workers' connections. */
    @Override
    public void close() {
        workers.close();
    }

    /** {@code db.table} against its ClickHouse view. */
    public TableVerdict table(String table) throws Exception {
        String db = table.substring(0, table.indexOf('.'));
        String name = table.substring(table.indexOf('.') + 1);
        List<VerifiedColumn> columns = mysqlColumns(db, name);
        TableNames names = new TableNames(sink.targetDatabase(db), name);
        List<String> shape;
        try {
            shape = ShapeCheck.columns(columns, clickhouseColumns(names.database(), names.table()));
        } catch (RuntimeException e) {
            return TableVerdict.unreadable(table, -1, List.of("ClickHouse: " + e.getMessage()));
        }
        String mysqlTable = "`" + db.replace("`", "``") + "`.`" + name.replace("`", "``") + "`";
        boolean readable = shape.stream().noneMatch(p -> p.endsWith("missing in ClickHouse")
                || p.equals("ClickHouse has no such table or view"));
        if (!readable) {
            return TableVerdict.unreadable(table, count(mysqlTable), shape);
        }
        if (!everyRow && ChunkedComparison.applies(columns)) {
            try {
                return withShape(new ChunkedComparison(mysql, clickhouse, workers).compare(table, columns, mysqlTable, names.view()),
                        shape);
            } catch (RuntimeException e) {
                return TableVerdict.unreadable(table, -1, List.of("ClickHouse: " + e.getMessage()));
            }
        }
        return withShape(rows(table, columns, mysqlTable, names.view()), shape);
    }

    /** An enriched table against its query run on MySQL now. */
    public TableVerdict enrichment(Enrichment e) throws Exception {
        String fact = e.factTable();
        List<VerifiedColumn> columns = new ArrayList<>(mysqlColumns(fact.substring(0, fact.indexOf('.')),
                fact.substring(fact.indexOf('.') + 1)));
        for (Enrichment.AddedColumn added : e.columns()) {
            String type = added.schema().sourceType().replace(" UNSIGNED", "");
            columns.add(new VerifiedColumn(added.schema().name(), type, added.schema().sourceType(), true, 0));
        }
        return rows(e.database() + "." + e.name() + " (enrichment)", columns, "(" + e.mysqlQuery() + ") AS enriched",
                new TableNames(sink.targetDatabase(e.database()), e.name()).view());
    }

    /** Verdicts for ClickHouse tables of {@code databases} that mirror a MySQL table no longer there. */
    public List<TableVerdict> strayTables(List<String> databases, List<String> captured, List<Enrichment> enrichments) {
        List<TableVerdict> verdicts = new ArrayList<>();
        Map<String, Set<String>> capturedByTarget = new java.util.TreeMap<>();
        Map<String, Set<String>> declaredByTarget = new java.util.HashMap<>();
        for (String db : databases) {
            capturedByTarget.computeIfAbsent(sink.targetDatabase(db), k -> new HashSet<>());
        }
        for (String table : captured) {
            String db = table.substring(0, table.indexOf('.'));
            capturedByTarget.computeIfAbsent(sink.targetDatabase(db), k -> new HashSet<>())
                    .add(table.substring(table.indexOf('.') + 1));
        }
        for (Enrichment e : enrichments) {
            declaredByTarget.computeIfAbsent(sink.targetDatabase(e.database()), k -> new HashSet<>()).add(e.name());
        }
        for (Map.Entry<String, Set<String>> target : capturedByTarget.entrySet()) {
            Set<String> inClickHouse = new HashSet<>(clickhouse.query("SELECT name FROM system.tables WHERE database = "
                    + "{db:String} FORMAT TSVRaw", Map.of("param_db", target.getKey())).lines().toList());
            for (String stray : ShapeCheck.strayTables(inClickHouse, target.getValue(),
                    declaredByTarget.getOrDefault(target.getKey(), Set.of()))) {
                verdicts.add(TableVerdict.unreadable(target.getKey() + "." + stray + " (ClickHouse only)", 0,
                        List.of("ClickHouse has " + new TableNames(target.getKey(), stray).view() + ", which no "
                                + "captured MySQL table nor configured enrichment explains: a table dropped or renamed in "
                                + "MySQL whose copy was left behind, or an enrichment removed from the configuration. "
                                + "Drop it in ClickHouse if nothing reads it")));
            }
        }
        return verdicts;
    }

    private TableVerdict rows(String table, List<VerifiedColumn> columns, String mysqlFrom, String view) throws Exception {
        return RowMerge.compareSorted(table, columns, mysql, mysqlFrom, clickhouse, view);
    }

    private static TableVerdict withShape(TableVerdict rows, List<String> shape) {
        if (shape.isEmpty()) {
            return rows;
        }
        List<String> shown = new ArrayList<>(shape);
        shown.addAll(rows.differences());
        return new TableVerdict(rows.table(), rows.mysqlRows(), rows.clickhouseRows(), rows.mysqlChecksum(),
                rows.clickhouseChecksum(), rows.differenceCount() + shape.size(),
                shown.subList(0, Math.min(shown.size(), RowMerge.SHOWN_DIFFERENCES + shape.size())), rows.method());
    }

    private long count(String from) throws Exception {
        try (var st = mysql.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + from)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<VerifiedColumn> mysqlColumns(String db, String name) throws Exception {
        List<VerifiedColumn> columns = new ArrayList<>();
        try (PreparedStatement st = mysql.prepareStatement("SELECT c.column_name, c.data_type, c.column_type, "
                + "c.is_nullable, COALESCE(k.seq_in_index, 0) FROM information_schema.columns c "
                + "LEFT JOIN information_schema.statistics k ON k.table_schema = c.table_schema "
                + "AND k.table_name = c.table_name AND k.column_name = c.column_name AND k.index_name = 'PRIMARY' "
                + "WHERE c.table_schema = ? AND c.table_name = ? ORDER BY c.ordinal_position")) {
            st.setString(1, db);
            st.setString(2, name);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    columns.add(new VerifiedColumn(rs.getString(1), rs.getString(2), rs.getString(3),
                            "YES".equals(rs.getString(4)), rs.getInt(5)));
                }
            }
        }
        return columns;
    }

    private List<ShapeCheck.ClickHouseColumn> clickhouseColumns(String db, String table) {
        List<ShapeCheck.ClickHouseColumn> columns = new ArrayList<>();
        String body = clickhouse.query("SELECT name, type FROM system.columns WHERE database = {db:String} AND table = "
                + "{t:String} ORDER BY position FORMAT TabSeparated", Map.of("param_db", db, "param_t", table));
        for (String line : body.lines().toList()) {
            String[] f = line.split("\t", -1);
            columns.add(new ShapeCheck.ClickHouseColumn(io.tributary.sink.clickhouse.client.TsvText.unescape(f[0]),
                    io.tributary.sink.clickhouse.client.TsvText.unescape(f[1])));
        }
        return columns;
    }
}
