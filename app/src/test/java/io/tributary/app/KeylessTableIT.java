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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Tables without a primary key, against real servers: identical rows, deletes of one copy, updates
 * of many rows, kill -9 with replays, TRUNCATE, ADD COLUMN and RENAME TABLE. {@code verify}
 * compares them as multisets and must end equal.
 */
class KeylessTableIT {
    @Test
    void keylessTablesStayEqualAsMultisets() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS nokey");
            st.execute("CREATE DATABASE nokey");
            st.execute("CREATE TABLE nokey.readings (sensor INT NOT NULL, value DECIMAL(6,2) NULL, note VARCHAR(20))");
            st.execute("CREATE TABLE nokey.keyed (id INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO nokey.readings VALUES (1, 1.50, 'a'), (1, 1.50, 'a'), (1, 1.50, 'a'), (2, NULL, NULL), "
                    + "(3, 0.00, ''), (3, 0.00, '')");
            st.execute("INSERT INTO nokey.keyed VALUES (1, 1), (2, 2)");
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "nokey-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "nokey",
                "nokey-" + System.nanoTime(), Map.of("state.checkpoint-interval", "2s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "nokey"); Statement st = c.createStatement()) {
            assertThat(PipelineTestSupport.awaitEqual(setup.conf(), 180)).contains("nokey.readings");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM nokey.readings")).isEqualTo("6");

            Random random = new Random(3);
            changes(st, random, 150);
            PipelineTestSupport.awaitEqual(setup.conf(), 120);

            changes(st, random, 150);
            Thread.sleep(1000);
            pipeline.destroyForcibly();
            changes(st, random, 100);
            assertThat(pipeline.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            changes(st, random, 100);
            PipelineTestSupport.awaitEqual(setup.conf(), 180);

            st.execute("ALTER TABLE readings ADD COLUMN unit VARCHAR(5) NOT NULL DEFAULT 'C'");
            changes(st, random, 50);
            st.execute("INSERT INTO readings VALUES (9, 9.99, 'after alter', 'F'), (9, 9.99, 'after alter', 'F')");
            PipelineTestSupport.awaitEqual(setup.conf(), 120);

            st.execute("TRUNCATE TABLE readings");
            st.execute("INSERT INTO readings (sensor, value, note) VALUES (7, 7.00, 'after truncate'), (7, 7.00, 'after truncate')");
            PipelineTestSupport.awaitEqual(setup.conf(), 120);
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM nokey.readings")).isEqualTo("2");

            st.execute("RENAME TABLE readings TO readings_archive");
            st.execute("INSERT INTO readings_archive (sensor, value, note) VALUES (8, 8.00, 'renamed')");
            assertThat(PipelineTestSupport.awaitEqual(setup.conf(), 120)).contains("nokey.readings_archive")
                    .doesNotContain("nokey.readings ");
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM nokey.readings_archive")).isEqualTo("3");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    /** Inserts (often duplicates), deletes of one copy, updates of every matching copy, on both tables. */
    private static void changes(Statement st, Random random, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            int sensor = 1 + random.nextInt(5);
            switch (random.nextInt(6)) {
                case 0, 1 -> st.executeUpdate("INSERT INTO readings (sensor, value, note) VALUES (" + sensor + ", "
                        + (random.nextBoolean() ? "NULL" : random.nextInt(300) / 100.0) + ", 'n" + random.nextInt(3) + "')");
                case 2 -> st.executeUpdate("DELETE FROM readings WHERE sensor = " + sensor + " LIMIT 1");
                case 3 -> st.executeUpdate("UPDATE readings SET value = IFNULL(value, 0) + 0.25 WHERE sensor = " + sensor);
                case 4 -> st.executeUpdate("UPDATE readings SET note = 'n0' WHERE sensor = " + sensor + " LIMIT 2");
                default -> st.executeUpdate("INSERT INTO keyed VALUES (" + (3 + random.nextInt(1000)) + ", " + i
                        + ") ON DUPLICATE KEY UPDATE v = v + 1");
            }
        }
    }
}
