package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalFlinkCluster;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The same job jar on a real Apache Flink standalone cluster: a JobManager and two TaskManagers
 * as separate processes on loopback, the job submitted with Flink's CLI ({@code ClusterJob}) at
 * parallelism 2 after the single binlog reader. A TaskManager is killed (-9) while MySQL keeps
 * changing; the job restarts from its checkpoint on the remaining TaskManager and {@code verify}
 * ends equal; a new TaskManager joins afterwards.
 */
class FlinkClusterIT {
    /** Flink's runtime and what it needs, from this test's classpath; none of Tributary's classes. */
    private static final List<String> FLINK_RUNTIME = List.of("/org/apache/flink/", "/com/esotericsoftware/",
            "/commons-cli/", "/commons-collections/", "/commons-io/", "/org/apache/commons/", "/org/objenesis/",
            "/org/xerial/snappy/", "/at/yawk/lz4/", "/com/datadoghq/", "/org/roaringbitmap/", "/com/google/code/findbugs/",
            "/org/slf4j/", "/org/apache/logging/log4j/", "/tools/profiler/", "/org/javassist/", "/org/snakeyaml/",
            "/com/github/luben/");

    @Test
    void jobSurvivesATaskManagerKilledWhileStreaming() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS on_cluster");
            st.execute("CREATE DATABASE on_cluster");
            st.execute("CREATE TABLE on_cluster.orders (id INT PRIMARY KEY, amount DECIMAL(10,2) NOT NULL, note VARCHAR(40))");
            st.execute("CREATE TABLE on_cluster.customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
            StringBuilder rows = new StringBuilder();
            for (int i = 1; i <= 5000; i++) {
                rows.append(rows.length() == 0 ? "" : ",").append("(").append(i).append(", ").append(i % 700).append(".5, 'o")
                        .append(i).append("')");
            }
            st.execute("INSERT INTO on_cluster.orders VALUES " + rows);
            st.execute("INSERT INTO on_cluster.customers VALUES (1, 'ada'), (2, 'bob')");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS on_cluster");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cluster-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "on_cluster", "cluster",
                Map.of("sink.clickhouse.status-database", "tributary_cluster", "state.checkpoint-interval", "2s",
                        "pipeline.parallelism", "2", "source.mysql.server-id", "5501"));
        String classpath = flinkRuntimeClasspath();
        try (LocalFlinkCluster cluster = LocalFlinkCluster.start(dir.resolve("flink"), classpath, 2, Map.of(
                "execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString(),
                "heartbeat.interval", "2000", "heartbeat.timeout", "10000"))) {
            Process client = cluster.submit(Path.of("target/tributary.jar").toAbsolutePath(), ClusterJob.class.getName(),
                    List.of("--config", setup.file().toString()), setup.env(), dir.resolve("submit.log"));
            assertThat(client.exitValue()).as(Files.readString(dir.resolve("submit.log"))).isZero();
            String jobId = jobId(Files.readString(dir.resolve("submit.log")));
            PipelineTestSupport.awaitEqual(setup.conf(), 240);
            assertThat(cluster.rest("/jobs/" + jobId)).contains("\"state\":\"RUNNING\"");
            assertThat(apiStatus(setup, cluster, dir)).contains("\"pipeline\":\"RUNNING\"").contains("\"table\":\"orders\"");

            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> keepChanging(mysql, stop));
            Thread.sleep(8000);
            int reader = cluster.taskManagerIndex(taskManagerOfBinlogReader(cluster, jobId));
            cluster.killTaskManager(reader);
            Thread.sleep(15_000);
            stop.set(true);
            assertThat(writer.get(60, TimeUnit.SECONDS)).isPositive();
            String report = PipelineTestSupport.awaitEqual(setup.conf(), 300);
            assertThat(report).contains("on_cluster.orders").contains("on_cluster.customers");
            String exceptions = cluster.rest("/jobs/" + jobId + "/exceptions");
            assertThat(exceptions).as("the job failed over after the TaskManager was killed").isNotEqualTo("{}")
                    .containsPattern("(?i)(TaskManager|heartbeat|lost|disconnect)");
            assertThat(cluster.rest("/jobs/" + jobId)).contains("\"state\":\"RUNNING\"");

            cluster.startTaskManager();
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "on_cluster"); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE orders SET note = 'after the new TaskManager' WHERE id % 17 = 0");
            }
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            cluster.rest("/jobs/" + jobId + "/yarn-cancel");
        }
    }

    /** {@code tributary api} next to the cluster: /status reports the cluster's job and the tables. */
    private static String apiStatus(PipelineTestSupport.TestConfig setup, LocalFlinkCluster cluster, Path dir)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", Path.of("target/tributary.jar").toAbsolutePath().toString(),
                "api", "--config", setup.file().toString(), "--flink-rest", cluster.restUrl())
                .redirectErrorStream(true).redirectOutput(dir.resolve("api.log").toFile());
        pb.environment().putAll(setup.env());
        Process api = pb.start();
        try {
            String url = "http://127.0.0.1:" + setup.conf().get(TributaryConfig.API_PORT) + "/status";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String body = "";
            while (System.nanoTime() < deadline) {
                try {
                    var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(url)).header("Authorization", "Bearer cluster").build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    body = r.body();
                    if (r.statusCode() == 200 && body.contains("\"pipeline\":\"RUNNING\"")) {
                        return body;
                    }
                } catch (java.io.IOException starting) {
                    body = starting.toString();
                }
                Thread.sleep(500);
            }
            return body;
        } finally {
            api.destroy();
            api.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int keepChanging(MySqlServer mysql, AtomicBoolean stop) {
        Random random = new Random(21);
        int done = 0;
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "on_cluster"); Statement st = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(6000);
                switch (random.nextInt(4)) {
                    case 0 -> st.executeUpdate("DELETE FROM orders WHERE id = " + id);
                    case 1 -> st.executeUpdate("INSERT INTO orders VALUES (" + id + ", " + random.nextInt(9999) / 100.0
                            + ", 'n" + done + "') ON DUPLICATE KEY UPDATE amount = amount + 1");
                    case 2 -> st.executeUpdate("UPDATE orders SET note = 'u" + done + "' WHERE id = " + id);
                    default -> st.executeUpdate("INSERT INTO customers VALUES (" + (id % 300) + ", 'c" + done
                            + "') ON DUPLICATE KEY UPDATE name = 'c" + done + "'");
                }
                done++;
                if (done % 50 == 0) {
                    Thread.sleep(20);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return done;
    }

    /** The TaskManager running the binlog reader, as Flink's REST API reports it. */
    private static String taskManagerOfBinlogReader(LocalFlinkCluster cluster, String jobId) throws Exception {
        String job = cluster.rest("/jobs/" + jobId);
        Matcher vertex = Pattern.compile("\"id\":\"([0-9a-f]{32})\"[^{}]*?\"name\":\"Source: mysql-binlog").matcher(job);
        Matcher nameFirst = Pattern.compile("\"name\":\"Source: mysql-binlog[^{}]*?\"id\":\"([0-9a-f]{32})\"").matcher(job);
        String vertexId = vertex.find() ? vertex.group(1) : nameFirst.find() ? nameFirst.group(1) : null;
        if (vertexId == null) {
            throw new AssertionError("no binlog reader in " + job);
        }
        String taskManagers = cluster.rest("/jobs/" + jobId + "/vertices/" + vertexId + "/taskmanagers");
        Matcher id = Pattern.compile("\"taskmanager-id\":\"([^\"]+)\"").matcher(taskManagers);
        if (!id.find()) {
            throw new AssertionError("no TaskManager for the binlog reader in " + taskManagers);
        }
        return id.group(1);
    }

    private static String jobId(String submitLog) {
        Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(submitLog);
        if (!m.find()) {
            throw new AssertionError("no JobID in the output of flink run:\n" + submitLog);
        }
        return m.group(1);
    }

    static String flinkRuntimeClasspath() {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String cp = Arrays.stream(full.split(File.pathSeparator))
                .filter(entry -> FLINK_RUNTIME.stream().anyMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
        if (!cp.contains("flink-runtime")) {
            throw new IllegalStateException("flink-runtime is not on this test's classpath: " + full);
        }
        return cp;
    }
}
