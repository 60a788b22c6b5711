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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Resync benchmark (not a test): the freshness of another table while {@code tributary resync}
 * re-reads a big one, against the same table's freshness just before in the same run. A second
 * table takes a steady stream of inserts; its commit-to-ClickHouse delay is sampled first with
 * nothing else going on, then while the big table is resynced (the command as users run it), and the
 * resync's own rows/s is printed beside. Run with {@code bench/resync.sh [ROWS] [RATE] [SECONDS]}.
 */
public final class ResyncBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Path base = freshDirectory("bench-resync");
        MySqlServer mysql = LocalMySql.start(base.resolve("mysql"));
        ClickHouseServer clickhouse = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            run(mysql, clickhouse, base, rows, rate, seconds);
        } finally {
            clickhouse.close();
            mysql.close();
        }
    }

    private static void run(MySqlServer mysql, ClickHouseServer clickhouse, Path base, int rows, int rate, int seconds)
            throws Exception {
        System.out.printf("machine: %d cores; MySQL 8.0.31, ClickHouse 26.7 and the pipeline JVM on this box%n",
                Runtime.getRuntime().availableProcessors());
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            createEventsTable(st);
            loadEvents(st, rows);
            st.execute("CREATE TABLE bench.ticks (id BIGINT PRIMARY KEY, at DATETIME(6) NOT NULL)");
            st.execute("INSERT INTO bench.ticks VALUES (0, NOW(6))");
        }
        Path config = pipelineConfig(mysql, clickhouse, base);
        Map<String, String> env = pipelineEnv(mysql);
        Process pipeline = start(config, env, base.resolve("run.log"));
        try {
            await(clickhouse, "SELECT count() FROM bench.events__versions", rows, pipeline);
            await(clickhouse, "SELECT count() FROM bench.ticks__versions", 1, pipeline);
            System.out.printf("snapshot of %,d rows stored; pipeline RSS %d MiB%n", rows, rssMiB(pipeline));
            long[] nextId = {1};
            try (Connection c = admin(mysql); Statement st = c.createStatement()) {
                List<Long> quiet = ticks(st, clickhouse, nextId, rate, () -> false, seconds);
                print("freshness of bench.ticks, no resync", quiet, rate, pipeline);

                long resyncStart = System.nanoTime();
                Process resync = resync(config, env, base.resolve("resync.log"));
                List<Long> during = ticks(st, clickhouse, nextId, rate, () -> !resync.isAlive(), 3600);
                double resyncSeconds = seconds(resyncStart);
                if (resync.exitValue() != 0) {
                    throw new IllegalStateException("resync failed: " + Files.readString(base.resolve("resync.log")));
                }
                print("freshness of bench.ticks during the resync", during, rate, pipeline);
                System.out.printf("resync of bench.events: %,d rows in %.1f s (request to recorded done, as the command "
                        + "reports it) = %,.0f rows/s; %s%n", rows, resyncSeconds, rows / resyncSeconds,
                        Files.readAllLines(base.resolve("run.log")).stream()
                                .filter(l -> l.contains("Resync of bench.events:")).findFirst().orElse("").trim());
            }
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    private static Process resync(Path config, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of("tributary").toAbsolutePath().toString(), "resync", "--config",
                config.toString(), "bench.events", "--timeout", "3600").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * Inserts into bench.ticks at {@code rate} rows/s in 20 batches a second until {@code done} or
     * {@code seconds} passed; returns each batch's delay from commit to readable in ClickHouse, in ms.
     */
    private static List<Long> ticks(Statement st, ClickHouseServer clickhouse, long[] nextId, int rate,
                                    java.util.function.BooleanSupplier done, int seconds) throws Exception {
        List<Long> delays = new ArrayList<>();
        List<long[]> pending = new ArrayList<>(); // {last id, commit nanos}
        int batch = Math.max(1, rate / 20);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long tick = System.nanoTime();
        while (System.nanoTime() < end && !done.getAsBoolean()) {
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < batch; i++, nextId[0]++) {
                values.append(i == 0 ? "" : ",").append('(').append(nextId[0]).append(", NOW(6))");
            }
            st.executeUpdate("INSERT INTO bench.ticks VALUES " + values);
            pending.add(new long[] {nextId[0] - 1, System.nanoTime()});
            collectVisible(clickhouse, "bench.ticks__versions", pending, delays, null, 0);
            tick += TimeUnit.MILLISECONDS.toNanos(50);
            long sleep = tick - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!pending.isEmpty() && System.nanoTime() < drainEnd) {
            collectVisible(clickhouse, "bench.ticks__versions", pending, delays, null, 0);
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return delays;
    }

    private static void print(String what, List<Long> delays, int rate, Process pipeline) {
        List<Long> sorted = new ArrayList<>(delays);
        Collections.sort(sorted);
        System.out.printf("%s, %,d rows/s (%d batches, polled every 50 ms; resolution ~50 ms): p50 %d ms, p95 %d ms, "
                        + "p99 %d ms, max %d ms; pipeline RSS %d MiB%n", what, rate, sorted.size(), pct(sorted, 50),
                pct(sorted, 95), pct(sorted, 99), sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1), rssMiB(pipeline));
    }
}
