package io.tributary.app.bench;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.FreePorts;
import io.tributary.localservers.MySqlServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the pipeline benchmarks share: the pipeline process, ClickHouse queries over HTTP, RSS, percentiles. */
final class BenchSupport {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private BenchSupport() {}

    /** The benchmark table: a BIGINT key and the usual column kinds. */
    static void createEventsTable(Statement st) throws Exception {
        createEventsTable(st, "bench");
    }

    static void createEventsTable(Statement st, String database) throws Exception {
        st.execute("CREATE DATABASE " + database);
        st.execute("CREATE TABLE " + database + ".events (id BIGINT PRIMARY KEY, account INT NOT NULL, "
                + "amount DECIMAL(12,2) NOT NULL, note VARCHAR(64), created DATETIME(6) NOT NULL)");
    }

    /** Fills bench.events with ids 1..rows, generated inside MySQL in statements of 100k rows. */
    static void loadEvents(Statement st, int rows) throws Exception {
        st.execute("SET SESSION cte_max_recursion_depth = 1000000");
        long loadStart = System.nanoTime();
        for (int from = 0; from < rows; from += 100_000) {
            int n = Math.min(100_000, rows - from);
            st.execute("INSERT INTO bench.events WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "
                    + "WHERE i < " + n + ") SELECT " + from + " + i, (" + from + " + i) % 10007, ((" + from
                    + " + i) % 100000) / 100, CONCAT('note ', " + from + " + i), NOW(6) FROM seq");
        }
        System.out.printf("loaded %,d rows into MySQL in %.1f s%n", rows, seconds(loadStart));
    }

    /** A pipeline configuration capturing database {@code bench}, default settings plus {@link #benchSettings()}. */
    static Path pipelineConfig(MySqlServer mysql, ClickHouseServer clickhouse, Path base) throws Exception {
        Path config = base.resolve("tributary.yaml");
        Files.writeString(config, String.join("\n", "source:", "  mysql:", "    host: " + mysql.host(),
                "    port: " + mysql.port(), "    user: " + mysql.cdc().user(), "    databases: [bench]",
                "sink:", "  clickhouse:", "    url: " + clickhouse.httpUrl(), "api:", "  port: " + FreePorts.find(),
                "state:", "  dir: " + base.resolve("state"), "") + benchSettings());
        return config;
    }

    static Map<String, String> pipelineEnv(MySqlServer mysql) {
        return Map.of("TRIBUTARY_SOURCE_MYSQL_PASSWORD", mysql.cdc().password(), "TRIBUTARY_API_TOKENS", "bench");
    }

    /**
     * Extra pipeline settings for an experiment, e.g. {@code BENCH_SETTINGS="sink.clickhouse.flush-interval=100ms"}
     * (several separated by ';'); printed so the figures say what they were measured with.
     */
    static String benchSettings() {
        String settings = System.getenv().getOrDefault("BENCH_SETTINGS", "").trim();
        if (settings.isEmpty()) {
            return "";
        }
        StringBuilder yaml = new StringBuilder();
        for (String setting : settings.split(";")) {
            String[] kv = setting.split("=", 2);
            yaml.append(kv[0].trim()).append(": ").append(kv[1].trim()).append('\n');
        }
        System.out.println("pipeline settings: " + settings);
        return yaml.toString();
    }

    /**
     * The pipeline as users start it: the {@code tributary} launcher, so the JVM options are its defaults. With
     * {@code BENCH_JFR=1} it records a JFR profile next to its log (run1.jfr, ...), through the JVM's own
     * {@code JDK_JAVA_OPTIONS}. The launcher execs java, so the process is the pipeline JVM (for its RSS).
     */
    static Process start(Path config, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of("tributary").toAbsolutePath().toString(), "run", "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().remove("TRIBUTARY_JAVA_OPTS");
        if (System.getenv("BENCH_JFR") != null) {
            pb.environment().put("JDK_JAVA_OPTIONS", "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + log.toString().replaceAll("\\.log$", ".jfr"));
        }
        return pb.start();
    }

    /** Polls until the count reaches {@code target}; returns when the first row was seen (nanos). */
    static long await(ClickHouseServer clickhouse, String countSql, long target, Process pipeline) throws Exception {
        long firstSeen = 0;
        while (true) {
            String n = scalarOrEmpty(clickhouse, countSql);
            long count = n.isEmpty() ? 0 : Long.parseLong(n);
            if (count > 0 && firstSeen == 0) {
                firstSeen = System.nanoTime();
            }
            if (count >= target) {
                return firstSeen;
            }
            requireAlive(pipeline);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    static void requireAlive(Process pipeline) {
        if (!pipeline.isAlive()) {
            throw new IllegalStateException("the pipeline exited with " + pipeline.exitValue() + "; see its log next to its state directory under .tributary/");
        }
    }

    static String scalar(ClickHouseServer clickhouse, String sql) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(clickhouse.httpUrl() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.body());
        }
        return r.body().trim();
    }

    static String scalarOrEmpty(ClickHouseServer clickhouse, String sql) throws Exception {
        try {
            return scalar(clickhouse, sql);
        } catch (IllegalStateException e) {
            return ""; // table not created yet
        }
    }

    /**
     * Batches ({last id, commit nanos}) whose last row {@code versions} (a versions table keyed by {@code id})
     * now returns: their delay from commit, in ms, goes to {@code delays}, and with {@code overTime} non-null
     * also {ms since {@code phaseStart}, delay} there.
     */
    static void collectVisible(ClickHouseServer clickhouse, String versions, List<long[]> pending, List<Long> delays,
                               List<long[]> overTime, long phaseStart) throws Exception {
        long visible = Long.parseLong(scalar(clickhouse, "SELECT max(id) FROM " + versions));
        long now = System.nanoTime();
        pending.removeIf(p -> {
            if (p[0] <= visible) {
                delays.add(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(now - p[1]));
                if (overTime != null) {
                    overTime.add(new long[] {java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(p[1] - phaseStart),
                            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(now - p[1])});
                }
                return true;
            }
            return false;
        });
    }

    static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static long rssMiB(Process p) {
        try {
            String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
            for (String line : status.split("\n")) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static Connection admin(MySqlServer mysql) throws Exception {
        return DriverManager.getConnection(mysql.jdbcUrl(""), mysql.admin().user(), mysql.admin().password());
    }

    /** {@code .tributary/NAME} under the repository, emptied: where a benchmark keeps its servers and state. */
    static Path freshDirectory(String name) throws Exception {
        Path base = Path.of(".tributary", name).toAbsolutePath();
        deleteRecursively(base);
        Files.createDirectories(base);
        return base;
    }

    static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
