package io.tributary.app.bench;

import static io.tributary.app.bench.BenchSupport.*;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalClickHouse;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.MySqlServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Bulk-change benchmark (not a test): one UPDATE statement that changes every row of a
 * multi-million-row table, then one DELETE of half of them, each a single MySQL transaction of
 * millions of row events. Prints, every second, the pipeline's resident memory and how many of the
 * changes ClickHouse shows, then each statement's throughput and whether both sides ended equal.
 * The pipeline's memory must not grow with the number of keys changed.
 * Run with {@code bench/bulk-change.sh [ROWS=2000000]}.
 */
public final class BulkChangeBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        Path base = freshDirectory("bench-bulk");
        MySqlServer mysql = LocalMySql.start(base.resolve("mysql"));
        ClickHouseServer clickhouse = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            run(mysql, clickhouse, base, rows);
        } finally {
            clickhouse.close();
            mysql.close();
        }
    }

    private static void run(MySqlServer mysql, ClickHouseServer clickhouse, Path base, int rows) throws Exception {
        System.out.printf("machine: %d cores; MySQL 8.0.31, ClickHouse 26.7 and the pipeline JVM on this box%n",
                Runtime.getRuntime().availableProcessors());
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            createEventsTable(st);
            loadEvents(st, rows);
        }
        Process pipeline = start(pipelineConfig(mysql, clickhouse, base), pipelineEnv(mysql), base.resolve("run.log"));
        try {
            await(clickhouse, "SELECT count() FROM bench.events__versions", rows, pipeline);
            System.out.printf("snapshot stored; pipeline RSS %d MiB%n", rssMiB(pipeline));
            // The latest version of every updated row has the new note; merges keep it, so this count only grows.
            measure(mysql, clickhouse, pipeline, "UPDATE bench.events SET note = 'bulk update', amount = amount + 1",
                    "SELECT count() FROM bench.events__versions WHERE note = 'bulk update' AND _deleted = 0", rows);
            measure(mysql, clickhouse, pipeline, "DELETE FROM bench.events WHERE id % 2 = 0",
                    "SELECT " + rows + " - count() FROM bench.events", rows / 2);
            compare(mysql, clickhouse);
        } finally {
            pipeline.destroy();
            pipeline.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Runs one statement in MySQL and follows the count of its changes visible in ClickHouse up to {@code changes}. */
    private static void measure(MySqlServer mysql, ClickHouseServer clickhouse, Process pipeline, String statement,
                                String visibleSql, long changes) throws Exception {
        long start = System.nanoTime();
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            st.executeUpdate(statement);
        }
        double committed = seconds(start);
        System.out.printf("%s: %,d rows committed in MySQL in %.1f s%n", statement, changes, committed);
        System.out.println("    s   RSS MiB   changes visible in ClickHouse");
        long maxRss = 0;
        long firstSeen = 0;
        long visible = 0;
        while (visible < changes) {
            TimeUnit.MILLISECONDS.sleep(1000);
            requireAlive(pipeline);
            visible = Long.parseLong(scalar(clickhouse, visibleSql));
            if (visible > 0 && firstSeen == 0) {
                firstSeen = System.nanoTime();
            }
            long rss = rssMiB(pipeline);
            maxRss = Math.max(maxRss, rss);
            System.out.printf("  %3.0f   %7d   %,13d%n", seconds(start), rss, visible);
        }
        double total = seconds(start);
        System.out.printf("%,d changes visible %.1f s after the statement started = %,.0f changes/s (%,.0f changes/s after "
                        + "the commit, whose binlog the pipeline reads only then); pipeline RSS max %d MiB%n",
                changes, total, changes / total, changes / (total - committed), maxRss);
    }

    private static void compare(MySqlServer mysql, ClickHouseServer clickhouse) throws Exception {
        String mysqlSql = "SELECT count(*), sum(id), CAST(sum(amount) * 100 AS SIGNED), sum(note = 'bulk update') FROM bench.events";
        String clickhouseSql = "SELECT count(), sum(id), toInt64(sum(amount) * 100), countIf(note = 'bulk update') FROM bench.events";
        try (Connection c = admin(mysql); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(mysqlSql)) {
            rs.next();
            String theirs = rs.getLong(1) + "\t" + rs.getLong(2) + "\t" + rs.getLong(3) + "\t" + rs.getLong(4);
            String ours = scalar(clickhouse, clickhouseSql);
            System.out.printf("MySQL count/sum(id)/sum(amount) in cents/updated rows %s, ClickHouse %s: %s%n",
                    theirs.replace('\t', '/'), ours.replace('\t', '/'), ours.equals(theirs) ? "equal" : "DIFFERENT");
        }
    }
}
