package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.SharedServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A server with {@code gtid_mode=OFF}: the chunk engine's low watermark is a GTID set, so the first
 * snapshot, a resync and the tables a restart adds are read by the locking reader while the binlog
 * waits, and each ends equal row by row, with changes made while the resync runs.
 */
class WithoutGtidsIT {
    @Test
    void withoutGtidsTheLockingReaderResyncsAndBackfills() throws Exception {
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS nogtid");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "nogtid-");
        try (LocalMySql mysql = LocalMySql.start(dir.resolve("mysql"))) {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                for (String mode : new String[] {"ON_PERMISSIVE", "OFF_PERMISSIVE", "OFF"}) {
                    st.execute("SET GLOBAL gtid_mode = " + mode);
                }
                st.execute("CREATE DATABASE nogtid");
                st.execute("CREATE TABLE nogtid.a (id INT PRIMARY KEY, v INT NOT NULL)");
                st.execute("CREATE TABLE nogtid.b (id INT PRIMARY KEY, note VARCHAR(20))");
                st.execute("SET SESSION cte_max_recursion_depth = 100000");
                st.execute("INSERT INTO nogtid.a WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                        + "WHERE n < 20000) SELECT n, n FROM seq");
                st.execute("INSERT INTO nogtid.b WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                        + "WHERE n < 5000) SELECT n, CONCAT('b ', n) FROM seq");
            }
            Map<String, String> settings = new HashMap<>(PipelineTestSupport.serverSwitchSettings("nogtid_status"));
            settings.put("source.mysql.tables", "[nogtid.a]");
            PipelineTestSupport.TestConfig one = PipelineTestSupport.configure(dir, mysql, clickhouse, "nogtid", "ng",
                    settings);
            Process pipeline = PipelineTestSupport.startPipeline(one.file(), one.env(), dir.resolve("run1.log"));
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "nogtid"); Statement st = c.createStatement()) {
                PipelineTestSupport.awaitEqual(one.conf(), 180);

                // Changed behind the pipeline's back, then resynced while a writer keeps changing the table.
                PipelineTestSupport.clickhouse(clickhouse, "ALTER TABLE nogtid.a__versions UPDATE v = -1 WHERE id % 97 = 0 "
                        + "SETTINGS mutations_sync = 2");
                assertThat(PipelineTestSupport.verifyLine(one.conf(), "nogtid.a")).contains("DIFFERENT");
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(mysql, stop));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int code;
                try {
                    code = ResyncCommand.run(one.conf(), "nogtid.a", Duration.ofSeconds(180),
                            new PrintStream(out, true, StandardCharsets.UTF_8));
                } finally {
                    stop.set(true);
                    writer.get(60, TimeUnit.SECONDS);
                }
                assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
                PipelineTestSupport.awaitEqual(one.conf(), 120);
                pipeline.destroy();
                assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();

                // A table added to the configuration: read on restart by the locking reader.
                st.execute("UPDATE b SET note = 'changed while down' WHERE id % 10 = 0");
                settings.put("source.mysql.tables", "[nogtid.a, nogtid.b]");
                PipelineTestSupport.TestConfig two = PipelineTestSupport.configure(dir, mysql, clickhouse, "nogtid", "ng",
                        settings);
                pipeline = PipelineTestSupport.startPipeline(two.file(), two.env(), dir.resolve("run2.log"));
                st.execute("UPDATE a SET v = 0 WHERE id <= 100");
                assertThat(PipelineTestSupport.awaitEqual(two.conf(), 180)).contains("nogtid.a").contains("nogtid.b");
            } finally {
                pipeline.destroy();
                pipeline.waitFor(120, TimeUnit.SECONDS);
            }
            assertThat(Files.readString(dir.resolve("run1.log")))
                    .contains("Resync of nogtid.a: gtid_mode is not ON, so the locking snapshot reads it");
            assertThat(Files.readString(dir.resolve("run2.log")))
                    .contains("gtid_mode is not ON: the locking snapshot reads [nogtid.b]")
                    .contains("Backfill of [nogtid.b] done");
        }
    }

    private static void write(LocalMySql mysql, AtomicBoolean stop) {
        Random random = new Random(3);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "nogtid"); Statement st = c.createStatement()) {
            while (!stop.get()) {
                int id = 1 + random.nextInt(20_000);
                switch (random.nextInt(3)) {
                    case 0 -> st.executeUpdate("DELETE FROM a WHERE id = " + id);
                    case 1 -> st.executeUpdate("INSERT INTO a VALUES (" + id + ", 7) ON DUPLICATE KEY UPDATE v = v + 1");
                    default -> st.executeUpdate("UPDATE a SET v = v * 2 WHERE id = " + id);
                }
                Thread.sleep(2);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
