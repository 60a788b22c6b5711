package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kill -9 while the initial snapshot is still running, then rows deleted in MySQL before the
 * restart: the new snapshot must remove what the abandoned one had copied. And a new snapshot over
 * what an earlier one stored (its state lost) must empty a table emptied since, which has no snapshot
 * row to say so.
 */
class InterruptedSnapshotIT {
    @Test
    void snapshotKilledHalfwayConvergesAfterRestart() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS bulk");
            st.execute("CREATE DATABASE bulk");
            st.execute("CREATE TABLE bulk.items (id INT PRIMARY KEY, v VARCHAR(40), amount DECIMAL(12,2), at DATETIME(6))");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO bulk.items WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 400000) "
                    + "SELECT n, CONCAT('value ', n), n / 100, TIMESTAMP('2024-01-01') + INTERVAL n SECOND FROM seq");
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-kill-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "bulk", "t",
                Map.of("sink.clickhouse.batch-size", "5000", "state.checkpoint-interval", "500ms"));
        Path config = setup.file();
        Map<String, String> env = setup.env();

        Process first = PipelineTestSupport.startPipeline(config, env, dir.resolve("run1.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        long copied = 0;
        while (System.nanoTime() < deadline) {
            copied = count(clickhouse, "SELECT count() FROM bulk.items__versions");
            if (copied >= 20_000 && hasCheckpoint(dir.resolve("state/checkpoints"))) {
                break;
            }
            Thread.sleep(100);
        }
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long atKill = count(clickhouse, "SELECT count() FROM bulk.items__versions");
        assertThat(atKill).as("killed in the middle of the snapshot").isBetween(20_000L, 399_999L);

        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl("bulk"), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM items WHERE id <= 5000");
            st.executeUpdate("UPDATE items SET v = 'changed while down' WHERE id BETWEEN 5001 AND 6000");
        }
        Process second = PipelineTestSupport.startPipeline(config, env, dir.resolve("run2.log"));
        var conf = setup.conf();
        try {
            PipelineTestSupport.awaitEqual(conf, 240);
            assertThat(count(clickhouse, "SELECT count() FROM bulk.items WHERE id <= 5000")).isZero();
        } finally {
            second.destroy();
            second.waitFor(120, TimeUnit.SECONDS);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"chunked", "locking"})
    void aNewSnapshotEmptiesWhatATableEmptiedSinceHadStored(String reader) throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl(null), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS emptied");
            st.execute("CREATE DATABASE emptied");
            st.execute("CREATE TABLE emptied.labels (id INT PRIMARY KEY, name VARCHAR(20))");
            st.execute("CREATE TABLE emptied.notes (note VARCHAR(20))");
            st.execute("CREATE TABLE emptied.kept (id INT PRIMARY KEY)");
            st.execute("INSERT INTO emptied.labels VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            st.execute("INSERT INTO emptied.notes VALUES ('a'), ('a'), ('b')");
            st.execute("INSERT INTO emptied.kept VALUES (1), (2)");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS emptied");
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS tributary_emptied");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "snapshot-emptied-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "emptied", "emptied",
                Map.of("sink.clickhouse.status-database", "tributary_emptied", "source.mysql.snapshot.reader", reader));
        Process first = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        try (Connection c = DriverManager.getConnection(mysql.jdbcUrl("emptied"), mysql.admin().user(), mysql.admin().password());
             Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM labels");
            st.executeUpdate("DELETE FROM notes");
            st.executeUpdate("DELETE FROM kept WHERE id = 2");
        }
        // The state is lost: the next start is a new pipeline, whose snapshot meets what the first one stored.
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Process second = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
        try {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            assertThat(count(clickhouse, "SELECT count() FROM emptied.labels")).isZero();
            assertThat(count(clickhouse, "SELECT count() FROM emptied.kept")).isEqualTo(1);
        } finally {
            second.destroy();
            second.waitFor(120, TimeUnit.SECONDS);
        }
    }

    private static boolean hasCheckpoint(Path checkpoints) throws Exception {
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("_metadata"));
        }
    }

    private static long count(ClickHouseServer clickhouse, String sql) throws Exception {
        String answer = PipelineTestSupport.clickhouse(clickhouse, sql);
        return answer.isEmpty() ? 0 : Long.parseLong(answer);
    }
}
