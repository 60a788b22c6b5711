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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pipeline benchmark (not a test): snapshot throughput, binlog catch-up and end-to-end freshness,
 * with real MySQL and ClickHouse on this machine and the real jar as a separate process. Run with
 * {@code bench/pipeline.sh} (arguments: rows, catch-up changes, freshness rate per second, seconds).
 */
public final class PipelineBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        Path base = freshDirectory("bench-pipeline");
        MySqlServer mysql = LocalMySql.start(base.resolve("mysql"));
        ClickHouseServer clickhouse = LocalClickHouse.start(base.resolve("clickhouse"));
        try {
            run(mysql, clickhouse, base, rows, changes, rate, seconds);
        } finally {
            clickhouse.close();
            mysql.close();
        }
    }

    private static void run(MySqlServer mysql, ClickHouseServer clickhouse, Path base, int rows, int changes, int rate,
                            int seconds) throws Exception {
        System.out.printf("machine: %d cores; MySQL 8.0.31, ClickHouse 26.7 and the pipeline JVM on this box%n",
                Runtime.getRuntime().availableProcessors());
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            createEventsTable(st);
            loadEvents(st, rows);
        }
        Path config = pipelineConfig(mysql, clickhouse, base);
        Map<String, String> env = pipelineEnv(mysql);

        // 1. Snapshot
        long start = System.nanoTime();
        Process pipeline = start(config, env, base.resolve("run1.log"));
        long firstRow = await(clickhouse, "SELECT count() FROM bench.events__versions", rows, pipeline);
        double snapshotSeconds = seconds(start);
        double streaming = seconds(firstRow);
        System.out.printf("snapshot: %,d rows in %.1f s from process start (JVM, Flink, Debezium start included) = %,.0f rows/s;"
                        + " %.1f s from the first row stored to the last = %,.0f rows/s; pipeline RSS %d MiB%n", rows,
                snapshotSeconds, rows / snapshotSeconds, streaming, rows / streaming, rssMiB(pipeline));

        // 2. Binlog catch-up: changes made while the pipeline is stopped
        pipeline.destroy();
        pipeline.waitFor(120, TimeUnit.SECONDS);
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            for (int from = 1; from <= changes; from += 10_000) {
                st.executeUpdate("UPDATE bench.events SET amount = amount + 1, note = 'changed' WHERE id BETWEEN " + from
                        + " AND " + Math.min(changes, from + 9_999));
            }
        }
        start = System.nanoTime();
        pipeline = start(config, env, base.resolve("run2.log"));
        long firstChange = await(clickhouse, "SELECT count() FROM bench.events__versions WHERE note = 'changed'", changes,
                pipeline);
        double catchUp = seconds(start);
        double catchUpStreaming = seconds(firstChange);
        System.out.printf("catch-up: %,d binlog row changes in %.1f s from process start (restored from checkpoint) = %,.0f "
                        + "events/s; %.1f s from the first change stored to the last = %,.0f events/s; pipeline RSS %d MiB%n",
                changes, catchUp, changes / catchUp, catchUpStreaming, changes / catchUpStreaming, rssMiB(pipeline));

        // 3. Freshness at a sustained rate: MySQL commit -> row readable in ClickHouse
        List<Long> freshness = Collections.synchronizedList(new ArrayList<>());
        List<long[]> overTime = new ArrayList<>(); // {ms since the phase started, freshness ms}
        long phaseStart = System.nanoTime();
        long nextId = rows + 1L;
        int batch = Math.max(1, rate / 20);
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<long[]> pending = new ArrayList<>(); // {last id, commit nanos}
            long tick = System.nanoTime();
            while (System.nanoTime() < end) {
                StringBuilder values = new StringBuilder();
                for (int i = 0; i < batch; i++, nextId++) {
                    values.append(i == 0 ? "" : ",").append('(').append(nextId).append(", 1, 1.00, 'fresh', NOW(6))");
                }
                st.executeUpdate("INSERT INTO bench.events VALUES " + values);
                pending.add(new long[] {nextId - 1, System.nanoTime()});
                collectVisible(clickhouse, "bench.events__versions", pending, freshness, overTime, phaseStart);
                tick += TimeUnit.MILLISECONDS.toNanos(50);
                long sleep = tick - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!pending.isEmpty() && System.nanoTime() < drainEnd) {
                collectVisible(clickhouse, "bench.events__versions", pending, freshness, overTime, phaseStart);
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        List<Long> sorted = new ArrayList<>(freshness);
        Collections.sort(sorted);
        System.out.printf("freshness at %,d rows/s for %d s (%d batches of %d, polled every 50 ms; resolution ~50 ms): "
                        + "p50 %d ms, p95 %d ms, p99 %d ms, max %d ms; pipeline RSS %d MiB%n", rate, seconds, sorted.size(),
                batch, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), sorted.get(sorted.size() - 1), rssMiB(pipeline));
        Path plot = base.resolve("freshness.svg");
        FreshnessPlot.write(plot, String.format("Freshness, MySQL commit to row readable in ClickHouse, %,d rows/s, %d-core "
                + "box", rate, Runtime.getRuntime().availableProcessors()), overTime, pct(sorted, 50), pct(sorted, 99));
        System.out.println("freshness over time plotted in " + plot);
        pipeline.destroy();
        pipeline.waitFor(120, TimeUnit.SECONDS);

        naiveBaseline(mysql, clickhouse, base, changes, rows / snapshotSeconds, changes / catchUp);
    }

    /**
     * 4. The same snapshot and catch-up through {@link NaiveChain}, in the same run on the same
     * servers, for a side-by-side ratio (end to end from process start, as Tributary's figures above).
     */
    private static void naiveBaseline(MySqlServer mysql, ClickHouseServer clickhouse, Path base, int changes,
                                      double tributarySnapshot, double tributaryCatchUp) throws Exception {
        long total;
        try (Connection c = admin(mysql); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM bench.events")) {
            rs.next();
            total = rs.getLong(1);
        }
        long start = System.nanoTime();
        Process naive = startNaive(mysql, clickhouse, base, base.resolve("naive1.log"));
        long firstRow = await(clickhouse, "SELECT count() FROM bench_naive.events", total, naive);
        double snapshot = seconds(start);
        System.out.printf("naive chain snapshot: %,d rows in %.1f s from process start = %,.0f rows/s (Tributary %.1fx); "
                + "first row stored to last %,.0f rows/s; RSS %d MiB%n", total, snapshot, total / snapshot,
                tributarySnapshot / (total / snapshot), total / seconds(firstRow), rssMiB(naive));
        naive.destroy();
        naive.waitFor(60, TimeUnit.SECONDS);
        try (Connection c = admin(mysql); Statement st = c.createStatement()) {
            for (int from = 1; from <= changes; from += 10_000) {
                st.executeUpdate("UPDATE bench.events SET amount = amount + 1, note = 'changed again' WHERE id BETWEEN "
                        + from + " AND " + Math.min(changes, from + 9_999));
            }
        }
        start = System.nanoTime();
        naive = startNaive(mysql, clickhouse, base, base.resolve("naive2.log"));
        long firstChange = await(clickhouse, "SELECT count() FROM bench_naive.events WHERE note = 'changed again'", changes,
                naive);
        double catchUp = seconds(start);
        System.out.printf("naive chain catch-up: %,d binlog row changes in %.1f s from process start = %,.0f events/s "
                + "(Tributary %.1fx); first change stored to last %,.0f events/s; RSS %d MiB%n", changes, catchUp,
                changes / catchUp, tributaryCatchUp / (changes / catchUp), changes / seconds(firstChange), rssMiB(naive));
        naive.destroy();
        naive.waitFor(60, TimeUnit.SECONDS);
    }

    private static Process startNaive(MySqlServer mysql, ClickHouseServer clickhouse, Path base, Path log) throws Exception {
        return new ProcessBuilder("java", "-Xmx768m", "-Duser.timezone=UTC", "-cp", System.getProperty("java.class.path"),
                NaiveChain.class.getName(), clickhouse.httpUrl(), mysql.host(), Integer.toString(mysql.port()),
                mysql.cdc().user(), mysql.cdc().password(), base.resolve("naive-state").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
