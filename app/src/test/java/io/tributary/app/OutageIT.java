package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The real servers stopped and started under a running pipeline: ClickHouse down for 2 minutes while
 * MySQL keeps changing (the sink's retries run out, the job restarts from its checkpoint again and
 * again with backoff), then MySQL down for 15 s (the binlog reader reconnects). After each
 * outage ClickHouse must converge to MySQL row by row, with the same pipeline process still running.
 */
class OutageIT {
    @Test
    void convergesAfterClickHouseAndMySqlOutages() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS outage_it");
            st.execute("CREATE DATABASE outage_it");
            st.execute("CREATE TABLE outage_it.orders (id INT PRIMARY KEY, amount DECIMAL(10,2) NOT NULL, "
                    + "note VARCHAR(40), updated DATETIME(6) NOT NULL)");
            StringBuilder rows = new StringBuilder();
            for (int i = 1; i <= 3000; i++) {
                rows.append(rows.length() == 0 ? "" : ",").append("(").append(i).append(", ").append(i % 500)
                        .append(".25, 'order ").append(i).append("', NOW(6))");
            }
            st.execute("INSERT INTO outage_it.orders VALUES " + rows);
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS outage_it");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "outage-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "outage_it", "outage",
                Map.of("sink.clickhouse.status-database", "tributary_outage", "sink.clickhouse.max-retries", "3",
                        "sink.clickhouse.retry-backoff", "200ms", "state.checkpoint-interval", "1s"));
        Path config = setup.file();
        Map<String, String> env = setup.env();
        Configuration conf = setup.conf();
        Path log = dir.resolve("run.log");
        Process pipeline = PipelineTestSupport.startPipeline(config, env, log);
        Random random = new Random(7);
        try {
            PipelineTestSupport.awaitEqual(conf, 120);

            clickhouse.stopServer();
            long downSince = System.nanoTime();
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "outage_it")) {
                applyChanges(c, random, 300);
            }
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "outage_it")) {
                for (int round = 0; round < 4; round++) {
                    Thread.sleep(20_000);
                    applyChanges(c, random, 100); // MySQL keeps changing all along
                }
            }
            sleepUntil(downSince, 120);
            assertThat(pipeline.isAlive()).as("the pipeline waits for ClickHouse instead of exiting").isTrue();
            clickhouse.startServer();
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "outage_it")) {
                applyChanges(c, random, 100);
            }
            PipelineTestSupport.awaitEqual(conf, 180);
            assertThat(Files.readString(log)).as("the outage was noticed and retried")
                    .containsPattern("(?i)clickhouse.*(unreachable|connect)");

            mysql.stopServer();
            Thread.sleep(15_000);
            assertThat(pipeline.isAlive()).as("the pipeline waits for MySQL instead of exiting").isTrue();
            mysql.startServer();
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "outage_it")) {
                applyChanges(c, random, 200);
            }
            PipelineTestSupport.awaitEqual(conf, 180);
            assertThat(pipeline.isAlive()).isTrue();
        } finally {
            pipeline.destroy();
            pipeline.waitFor(60, TimeUnit.SECONDS);
        }
    }


    private static void sleepUntil(long sinceNanos, int seconds) throws InterruptedException {
        long left = sinceNanos + TimeUnit.SECONDS.toNanos(seconds) - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** Inserts, updates (amount, note, key-preserving) and deletes on random orders. */
    private static void applyChanges(Connection c, Random random, int count) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                int id = 1 + random.nextInt(4000);
                switch (random.nextInt(3)) {
                    case 0 -> st.executeUpdate("INSERT INTO orders VALUES (" + id + ", " + random.nextInt(100000) / 100.0
                            + ", 'new " + i + "', NOW(6)) ON DUPLICATE KEY UPDATE amount = amount + 1, updated = NOW(6)");
                    case 1 -> st.executeUpdate("UPDATE orders SET amount = amount * 2, note = CONCAT('upd ', " + i
                            + "), updated = NOW(6) WHERE id = " + id);
                    default -> st.executeUpdate("DELETE FROM orders WHERE id = " + id);
                }
            }
        }
    }
}
