package io.tributary.app;

import io.tributary.app.verify.TableVerifier;
import io.tributary.app.verify.TableVerdict;
import io.tributary.cdc.source.MySqlSourceConfig;
import io.tributary.job.TributaryJobOptions;
import io.tributary.job.enrich.Enrichment;
import io.tributary.job.enrich.EnrichmentResolver;
import io.tributary.sink.clickhouse.client.ClickHouseHttp;
import io.tributary.sink.clickhouse.sink.ClickHouseSinkConfig;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * {@code tributary verify}: every captured MySQL table against its ClickHouse view (columns, their
 * order and types, then its rows: checksums of key-range chunks computed by each server, and row by
 * row inside a chunk that differs; with {@code --rows}, or when a column's value is not checksummed
 * (FLOAT, DOUBLE, JSON, spatial), every row, streamed from both servers in one order and merged; memory
 * stays bounded whatever the table size), every enriched table against its query run on MySQL, and,
 * when whole databases are captured, no ClickHouse table left of a MySQL table that is gone. Prints a
 * line per table and exits 0 only when all are equal.
 */
public final class Verify {
    private Verify() {}

    /** Chunks checksummed at once by default, each on its own MySQL connection ({@code --threads}). */
    public static final int DEFAULT_THREADS = 2;

    public static int run(Configuration config, PrintStream out) throws Exception {
        return run(config, out, false, DEFAULT_THREADS);
    }

    /**
     * {@code everyRow} ({@code --rows}): every row of every table compared, not chunk checksums first; {@code threads}
     * ({@code --threads}): MySQL connections checksumming chunks at once.
     */
    public static int run(Configuration config, PrintStream out, boolean everyRow, int threads) throws Exception {
        MySqlSourceConfig mysql = MySqlSourceConfig.from(config);
        ClickHouseSinkConfig sink = ClickHouseSinkConfig.from(config);
        ClickHouseHttp clickhouse = sink.client();
        String url = mysql.jdbcUrl("&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&yearIsDateType=false");
        int different = 0;
        try (Connection c = DriverManager.getConnection(url, mysql.user(), mysql.password());
             TableVerifier verifier = new TableVerifier(c, clickhouse, sink, everyRow,
                     () -> DriverManager.getConnection(url, mysql.user(), mysql.password()), threads)) {
            List<String> tables = capturedTables(c, mysql);
            List<Enrichment> enrichments = new EnrichmentResolver(mysql)
                    .load(config.getOptional(TributaryJobOptions.ENRICHMENTS_DIR));
            List<TableVerdict> verdicts = new ArrayList<>();
            for (String table : tables) {
                verdicts.add(verifier.table(table));
            }
            for (Enrichment e : enrichments) {
                verdicts.add(verifier.enrichment(e));
            }
            if (mysql.tables().isEmpty()) {
                // Only when whole databases are captured is every mirror of a gone table a stray: with a table
                // list, other pipelines may write the rest of the database.
                verdicts.addAll(verifier.strayTables(mysql.databases(), tables, enrichments));
            }
            for (TableVerdict verdict : verdicts) {
                out.println(verdict.describe());
                if (!verdict.equal()) {
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
}
