package io.tributary.app.bench;

import static io.tributary.app.bench.BenchSupport.*;

import io.tributary.localservers.LocalClickHouse;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.MySqlServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Back-pressure benchmark (not a test): MySQL keeps committing at a steady rate while ClickHouse is
 * made slow, running only {@code DUTY}% of each second (SIGSTOP/SIGCONT, connections stay open;
 * 0 stops it for the whole slow phase, shorter than the sink's request timeout).
 * Prints, every second, the pipeline's resident memory and how far ClickHouse is behind MySQL,
 * then how long the backlog took to drain and whether both sides ended with the same rows.
 * Run with {@code bench/slow-clickhouse.sh [RATE=5000] [SLOW_SECONDS=60] [DUTY=10]}.
 */
public final class SlowClickHouseBenchmark {
    private static final int NORMAL_SECONDS = 20;
    /** From this RATE on the writer commits as fast as it can: MySQL's rate alone is measured first, to compare. */
    private static final int TOP_RATE = 100_000;

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int slowSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int duty = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        if (duty < 0 || duty > 100) {
            throw new IllegalArgumentException("DUTY is the percentage of each second ClickHouse runs: 0 (stopped "
                    + "throughout) .. 100, got " + duty);
        }
        Path base = freshDirectory("bench-slow");
        MySqlServer mysql = LocalMySql.start(base.resolve("mysql"));
        LocalClickHouse clickhouse = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            run(mysql, clickhouse, base, rate, slowSeconds, duty);
        } finally {
            clickhouse.pause(false);
            clickhouse.close();
            mysql.close();
        }
    }

    private static void run(MySqlServer mysql, LocalClickHouse clickhouse, Path base, int rate, int slowSeconds, int duty)
            throws Exception {
        System.out.printf("machine: %d cores; MySQL 8.0.31, ClickHouse 26.7 and the pipeline JVM on this box; %,d rows/s "
                        + "committed throughout; ClickHouse runs %d %% of each second for %d s after %d s of normal running%n",
                Runtime.getRuntime().availableProcessors(), rate, duty, slowSeconds, NORMAL_SECONDS);
        if (rate >= TOP_RATE) {
            mySqlAlone(mysql, rate);
        }
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            createEventsTable(st);
            st.execute("INSERT INTO bench.events VALUES (1, 1, 1.00, 'first', NOW(6))");
        }
        Process pipeline = start(pipelineConfig(mysql, clickhouse, base), pipelineEnv(mysql), base.resolve("run.log"));
        try {
            await(clickhouse, "SELECT count() FROM bench.events__versions", 1, pipeline);
            AtomicLong committed = new AtomicLong(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> write(mysql, rate, committed, writing), "bench-writer");
            writer.start();

            long start = System.nanoTime();
            long slowFrom = start + TimeUnit.SECONDS.toNanos(NORMAL_SECONDS);
            long slowUntil = slowFrom + TimeUnit.SECONDS.toNanos(slowSeconds);
            long writeUntil = slowUntil + TimeUnit.SECONDS.toNanos(NORMAL_SECONDS);
            long[] maxRss = new long[3]; // normal, slow, after
            long lastVisible = 0;
            System.out.println("  s  phase   RSS MiB   MySQL rows   ClickHouse rows   behind");
            for (int second = 0; System.nanoTime() < writeUntil; second++) {
                long now = System.nanoTime();
                int phase = now < slowFrom ? 0 : now < slowUntil ? 1 : 2;
                if (phase == 1 && duty == 0) {
                    clickhouse.pause(true);
                    sleepMillis(1000);
                } else if (phase == 1 && duty < 100) {
                    clickhouse.pause(false);
                    sleepMillis(10L * duty);
                    String visible = scalarOrEmpty(clickhouse, "SELECT max(id) FROM bench.events__versions");
                    lastVisible = visible.isEmpty() ? lastVisible : Long.parseLong(visible);
                    clickhouse.pause(true);
                    sleepMillis(1000L - 10L * duty);
                } else {
                    clickhouse.pause(false);
                    lastVisible = Long.parseLong(scalar(clickhouse, "SELECT max(id) FROM bench.events__versions"));
                    sleepMillis(1000);
                }
                requireAlive(pipeline);
                long rss = rssMiB(pipeline);
                maxRss[phase] = Math.max(maxRss[phase], rss);
                long rows = committed.get();
                System.out.printf("%3d  %-6s  %7d  %11d  %16d  %7d%n", second, new String[] {"normal", "slow", "after"}[phase],
                        rss, rows, lastVisible, rows - lastVisible);
            }
            clickhouse.pause(false);
            writing.set(false);
            writer.join();
            long target = committed.get();
            long drainStart = System.nanoTime();
            while (Long.parseLong(scalar(clickhouse, "SELECT max(id) FROM bench.events__versions")) < target) {
                requireAlive(pipeline);
                sleepMillis(100);
            }
            double drain = seconds(drainStart);
            long mysqlRows;
            try (Connection c = admin(mysql); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), sum(id) FROM bench.events")) {
                rs.next();
                mysqlRows = rs.getLong(1);
                String clickhouseRows = scalar(clickhouse, "SELECT count(), sum(id) FROM bench.events");
                System.out.printf("pipeline RSS max: %d MiB before, %d MiB while ClickHouse was slow, %d MiB after%n",
                        maxRss[0], maxRss[1], maxRss[2]);
                System.out.printf("after the writes stopped, the rest arrived in %.1f s; MySQL count/sum %d/%d, ClickHouse %s: %s%n",
                        drain, mysqlRows, rs.getLong(2), clickhouseRows.replace('\t', '/'),
                        clickhouseRows.equals(mysqlRows + "\t" + rs.getLong(2)) ? "equal" : "DIFFERENT");
            }
        } finally {
            clickhouse.pause(false);
            pipeline.destroy();
            pipeline.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** The same writer for 10 s before the pipeline exists, into a database it will not capture. */
    private static void mySqlAlone(MySqlServer mysql, int rate) throws Exception {
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            createEventsTable(st, "alone");
        }
        AtomicLong committed = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(mysql, "alone", rate, committed, writing), "bench-writer-alone");
        long start = System.nanoTime();
        writer.start();
        TimeUnit.SECONDS.sleep(10);
        writing.set(false);
        writer.join();
        System.out.printf("MySQL alone (no pipeline, ClickHouse idle): the writer committed %,.0f rows/s for 10 s%n",
                committed.get() / seconds(start));
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE alone");
        }
    }

    /** Commits {@code rate} rows per second in batches every 50 ms, with increasing ids. */
    private static void write(MySqlServer mysql, int rate, AtomicLong committed, AtomicBoolean writing) {
        write(mysql, "bench", rate, committed, writing);
    }

    private static void write(MySqlServer mysql, String database, int rate, AtomicLong committed, AtomicBoolean writing) {
        int batch = Math.max(1, rate / 20);
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            long tick = System.nanoTime();
            while (writing.get()) {
                StringBuilder values = new StringBuilder();
                long first = committed.get() + 1;
                for (int i = 0; i < batch; i++) {
                    values.append(i == 0 ? "" : ",").append('(').append(first + i).append(", 2, 2.00, 'steady', NOW(6))");
                }
                st.executeUpdate("INSERT INTO " + database + ".events VALUES " + values);
                committed.addAndGet(batch);
                tick += TimeUnit.MILLISECONDS.toNanos(50);
                long sleep = tick - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the benchmark's writer failed: " + e.getMessage(), e);
        }
    }

    private static void sleepMillis(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(Math.max(0, millis));
    }
}
