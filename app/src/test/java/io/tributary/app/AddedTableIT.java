package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Tables added to {@code source.mysql.tables} of an existing pipeline: the restart reads them (their
 * rows from before, a keyed and a keyless one) while the binlog streams, and does not read the table
 * it captured already again. Without the backfill the added tables hold only the changes made after
 * the restart, and verify finds their older rows missing.
 */
class AddedTableIT {
    private static final int ROWS = 120_000;

    @Test
    void tablesAddedToTheConfigurationAreReadOnRestartAndTheOthersAreNot() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, "added");
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "added"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE first (id INT PRIMARY KEY, v INT NOT NULL)");
            st.execute("CREATE TABLE second (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(20))");
            st.execute("CREATE TABLE third (x INT, y VARCHAR(10))");
            st.execute("SET SESSION cte_max_recursion_depth = 1000000");
            st.execute("INSERT INTO first WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 500) "
                    + "SELECT n, n FROM seq");
            st.execute("INSERT INTO second WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < "
                    + ROWS + ") SELECT n, n, CONCAT('row ', n) FROM seq");
            st.execute("INSERT INTO third VALUES (1, 'a'), (1, 'a'), (2, NULL)");
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "added-table-");
        Map<String, String> settings = Map.of("state.checkpoint-interval", "2s", "source.mysql.snapshot.chunk-rows",
                "5000", "source.mysql.snapshot.threads", "1");
        PipelineTestSupport.TestConfig one = PipelineTestSupport.configure(dir, mysql, clickhouse, "added", "added-1",
                with(settings, "[added.first]"));
        Process pipeline = PipelineTestSupport.startPipeline(one.file(), one.env(), dir.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "added"); Statement st = c.createStatement()) {
            assertThat(PipelineTestSupport.awaitEqual(one.conf(), 180)).contains("added.first")
                    .doesNotContain("added.second");
            st.execute("UPDATE first SET v = v + 1 WHERE id <= 10");
            st.execute("UPDATE second SET v = -v WHERE id % 10 = 0"); // not captured yet
            PipelineTestSupport.awaitEqual(one.conf(), 60);
            pipeline.destroy();
            assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();

            // While stopped: changes to every table, and the configuration captures two more.
            st.execute("UPDATE first SET v = 0 WHERE id BETWEEN 11 AND 20");
            st.execute("DELETE FROM second WHERE id % 7 = 0");
            st.execute("INSERT INTO third VALUES (3, 'c')");
            PipelineTestSupport.TestConfig three = PipelineTestSupport.configure(dir, mysql, clickhouse, "added",
                    "added-2", with(settings, "[added.first, added.second, added.third]"));
            pipeline = PipelineTestSupport.startPipeline(three.file(), three.env(), dir.resolve("run2.log"));
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(mysql, stop));
            try {
                PipelineTestSupport.awaitLogLine(dir.resolve("run2.log"), "Backfill of", 120);
                Thread.sleep(3000);
            } finally {
                stop.set(true);
                writer.get(60, TimeUnit.SECONDS);
            }
            // Done once the binlog passed the last chunk's high watermark (a heartbeat moves it on a quiet server).
            PipelineTestSupport.awaitLogLine(dir.resolve("run2.log"), "Backfill of [added.second, added.third] done", 120);
            String equal = PipelineTestSupport.awaitEqual(three.conf(), 180);
            assertThat(equal).contains("added.first").contains("added.second").contains("added.third");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
        String run2 = Files.readString(dir.resolve("run2.log"));
        assertThat(run2).contains("captures 2 table(s) the last run did not: [added.second, added.third]")
                .contains("Backfill of [added.second, added.third] done")
                .as("the table captured before is not read again").doesNotContain("Snapshot of");
    }

    private static Map<String, String> with(Map<String, String> settings, String tables) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("source.mysql.tables", tables);
        return all;
    }

    /** Changes to all three tables while the added ones are read. */
    private static void write(MySqlServer mysql, AtomicBoolean stop) {
        Random random = new Random(5);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "added"); Statement st = c.createStatement()) {
            int above = ROWS;
            while (!stop.get()) {
                int id = 1 + random.nextInt(ROWS);
                switch (random.nextInt(4)) {
                    case 0 -> st.executeUpdate("DELETE FROM second WHERE id = " + id);
                    case 1 -> st.executeUpdate("INSERT INTO second VALUES (" + ++above + ", 1, 'new')");
                    case 2 -> st.executeUpdate("UPDATE first SET v = v + 1 WHERE id = " + (1 + random.nextInt(500)));
                    default -> st.executeUpdate("INSERT INTO third VALUES (" + random.nextInt(5) + ", 'w')");
                }
                st.executeUpdate("UPDATE second SET v = v + 1, note = 'during' WHERE id = " + id);
                Thread.sleep(2);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
