package io.tributary.app.bench;

import static io.tributary.app.bench.BenchSupport.*;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalClickHouse;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.MySqlServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Breadth benchmark (not a test): schemas of many small tables, as legacy databases have. For each
 * table count, N tables of four shapes (integer key, composite key, string key, no key) with three
 * rows each; a new pipeline from process start until ClickHouse has every table's view with its rows,
 * then an ADD COLUMN on a tenth of the tables, which no row follows, until every view has the column.
 * Prints the locking reader's global read lock hold time and structure read (from the pipeline's log; "-" for
 * the default chunk engine, which takes no lock; BENCH_SETTINGS="source.mysql.snapshot.reader=locking"), the snapshot
 * read time, start-up and RSS per table count. Run with {@code bench/breadth.sh [COUNTS=100,1000,3000]}.
 */
public final class BreadthBenchmark {
    private static final Pattern OPENED = Pattern.compile(
            "structure read in (\\d+) ms, read views opened under a global read lock held (\\d+) ms");
    /** The locking reader's "Snapshot at P read in N ms", or the chunk engine's "... read without locks in N ms". */
    private static final Pattern READ = Pattern.compile("(?:Snapshot at .* read in|read without locks in) (\\d+) ms");

    public static void main(String[] args) throws Exception {
        String counts = args.length > 0 ? args[0] : "100,1000,3000";
        Path base = freshDirectory("bench-breadth");
        MySqlServer mysql = LocalMySql.start(base.resolve("mysql"));
        ClickHouseServer clickhouse = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            System.out.printf("machine: %d cores; MySQL 8.0.31, ClickHouse 26.7 and the pipeline JVM on this box%n",
                    Runtime.getRuntime().availableProcessors());
            System.out.println("tables | structure read ms | lock held ms | snapshot read ms | start to all views s "
                    + "| ADD COLUMN on 10% to all views s | RSS MiB");
            for (String count : counts.split(",")) {
                run(mysql, clickhouse, base.resolve("n" + count.trim()), Integer.parseInt(count.trim()));
            }
        } finally {
            clickhouse.close();
            mysql.close();
        }
    }

    private static void run(MySqlServer mysql, ClickHouseServer clickhouse, Path dir, int tables) throws Exception {
        Files.createDirectories(dir);
        scalar(clickhouse, "DROP DATABASE IF EXISTS bench SYNC");
        scalar(clickhouse, "DROP DATABASE IF EXISTS tributary SYNC");
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS bench");
            st.execute("CREATE DATABASE bench");
            st.execute("USE bench");
            for (int i = 0; i < tables; i++) {
                switch (i % 4) {
                    case 0 -> st.execute("CREATE TABLE t" + i + " (id INT PRIMARY KEY, v VARCHAR(20), at DATETIME(3))");
                    case 1 -> st.execute("CREATE TABLE t" + i + " (a INT, b INT, v DECIMAL(8,2), PRIMARY KEY (a, b))");
                    case 2 -> st.execute("CREATE TABLE t" + i + " (code VARCHAR(16) PRIMARY KEY, v INT)");
                    default -> st.execute("CREATE TABLE t" + i + " (x INT, y VARCHAR(8))");
                }
                st.execute("INSERT INTO t" + i + " VALUES " + switch (i % 4) {
                    case 0 -> "(1, 'a', NOW(3)), (2, 'b', NOW(3)), (3, NULL, NULL)";
                    case 1 -> "(1, 1, 1.5), (1, 2, 2.5), (2, 1, NULL)";
                    case 2 -> "('alpha', 1), ('Beta', 2), ('gamma', 3)";
                    default -> "(1, 'a'), (1, 'a'), (2, NULL)";
                });
            }
        }
        long started = System.nanoTime();
        Process pipeline = start(pipelineConfig(mysql, clickhouse, dir), pipelineEnv(mysql), dir.resolve("run.log"));
        try {
            awaitViews(clickhouse, pipeline, "SELECT count() FROM system.tables WHERE database = 'bench' AND engine = 'View'",
                    tables);
            // Snapshot rows only so far: one version (or +1 change) per MySQL row.
            String rowsSql = "SELECT sum(rows) FROM system.parts WHERE database = 'bench' AND active";
            await(clickhouse, rowsSql, 3L * tables, pipeline);
            double toViews = seconds(started);
            long rss = rssMiB(pipeline);
            int altered = Math.max(1, tables / 10);
            long alterStart = System.nanoTime();
            try (Connection c = admin(mysql); Statement st = c.createStatement()) {
                for (int i = 0; i < altered; i++) {
                    st.execute("ALTER TABLE bench.t" + i + " ADD COLUMN added INT NOT NULL DEFAULT 5");
                }
            }
            awaitViews(clickhouse, pipeline, "SELECT count() FROM system.columns WHERE database = 'bench' AND name = 'added' "
                    + "AND table NOT LIKE '%\\_\\_%'", altered);
            double toAltered = seconds(alterStart);
            String log = Files.readString(dir.resolve("run.log"));
            Matcher opened = OPENED.matcher(log);
            Matcher read = READ.matcher(log);
            // The chunk engine reads each table's structure with its chunk and takes no lock: "-" for both.
            System.out.printf("%,d | %s | %s | %s | %.1f | %.1f | %d%n", tables, opened.find() ? opened.group(1) : "-",
                    opened.find(0) ? opened.group(2) : "-", read.find() ? read.group(1) : "?", toViews, toAltered,
                    Math.max(rss, rssMiB(pipeline)));
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    private static void awaitViews(ClickHouseServer clickhouse, Process pipeline, String countSql, long target)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (true) {
            requireAlive(pipeline);
            String n = scalarOrEmpty(clickhouse, countSql);
            if (!n.isEmpty() && Long.parseLong(n) >= target) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + target + ": " + countSql + " = " + n);
            }
            Thread.sleep(200);
        }
    }
}
