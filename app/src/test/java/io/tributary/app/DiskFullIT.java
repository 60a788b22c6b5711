package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.LocalClickHouse;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * ClickHouse's disk fills up under a running pipeline: a ClickHouse of its own keeps its data on
 * a small tmpfs, which the test fills with a file while MySQL keeps changing. Inserts fail, the
 * sink retries, the job restarts from its checkpoint and waits; nothing is parked or dropped. Once
 * the file is deleted, ClickHouse converges to MySQL row by row, with the same pipeline process.
 * Mounting needs root (CAP_SYS_ADMIN): elsewhere the test is skipped, saying so.
 */
class DiskFullIT {
    @Test
    void convergesAfterClickHouseDiskWasFull() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "diskfull-");
        Path data = Files.createDirectories(dir.resolve("clickhouse/data"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", data.toString()) == 0,
                "cannot mount a small tmpfs for ClickHouse's data here (needs root); disk-full test skipped");
        MySqlServer mysql = SharedServers.mysql();
        Process pipeline = null;
        try (LocalClickHouse clickhouse = LocalClickHouse.start(dir.resolve("clickhouse"))) {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS diskfull");
                st.execute("CREATE DATABASE diskfull");
                st.execute("CREATE TABLE diskfull.events (id INT PRIMARY KEY, payload VARCHAR(2000) NOT NULL, n INT NOT NULL)");
                st.execute("CREATE TABLE diskfull.other (id INT PRIMARY KEY, v INT NOT NULL)");
                for (int batch = 0; batch < 5; batch++) {
                    StringBuilder rows = new StringBuilder();
                    for (int i = 1; i <= 1000; i++) {
                        int id = batch * 1000 + i;
                        rows.append(rows.length() == 0 ? "" : ",").append("(").append(id).append(", REPEAT('p', 500), ")
                                .append(id).append(")");
                    }
                    st.execute("INSERT INTO diskfull.events VALUES " + rows);
                }
                st.execute("INSERT INTO diskfull.other VALUES (1, 1), (2, 2)");
            }
            PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "diskfull",
                    "diskfull", Map.of("sink.clickhouse.max-retries", "3", "sink.clickhouse.retry-backoff", "200ms",
                            "state.checkpoint-interval", "1s"));
            Path log = dir.resolve("run.log");
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
            PipelineTestSupport.awaitEqual(setup.conf(), 180);

            Path filler = data.resolve("filler.bin");
            long filled = fill(filler);
            Random random = new Random(5);
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "diskfull"); Statement st = c.createStatement()) {
                changes(st, random, 600);
                Thread.sleep(20_000);
                changes(st, random, 200);
                Thread.sleep(10_000);
            }
            String during = Files.readString(log);
            assertThat(during).as("ClickHouse reported the full disk and the sink retried")
                    .containsPattern("(?i)(no space left|not enough space|NOT_ENOUGH_SPACE|Cannot reserve)");
            assertThat(pipeline.isAlive()).as("the pipeline waits for space instead of exiting").isTrue();
            assertThat(during).as("a full disk is not one table's fault: nothing is parked").doesNotContain("is PARKED");
            System.out.println("DiskFullIT: filled " + filled / (1024 * 1024) + " MiB; ClickHouse refused writes as expected");

            Files.delete(filler);
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, "diskfull"); Statement st = c.createStatement()) {
                changes(st, random, 200);
            }
            String report = PipelineTestSupport.awaitEqual(setup.conf(), 240);
            assertThat(report).contains("diskfull.events").contains("diskfull.other");
            assertThat(pipeline.isAlive()).isTrue();
        } finally {
            if (pipeline != null) {
                pipeline.destroy();
                pipeline.waitFor(120, TimeUnit.SECONDS);
            }
            run("umount", "-l", data.toString());
        }
    }

    /** Writes zeros until the file system is full; returns how many bytes were written. */
    private static long fill(Path file) throws IOException {
        byte[] block = new byte[1 << 20];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return written;
    }

    private static void changes(Statement st, Random random, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            int id = 1 + random.nextInt(6000);
            switch (random.nextInt(4)) {
                case 0 -> st.executeUpdate("DELETE FROM events WHERE id = " + id);
                case 1 -> st.executeUpdate("INSERT INTO events VALUES (" + id + ", REPEAT('q', " + random.nextInt(2000)
                        + "), " + i + ") ON DUPLICATE KEY UPDATE n = n + 1");
                case 2 -> st.executeUpdate("UPDATE events SET payload = CONCAT(payload, 'x'), n = n * 2 WHERE id = " + id);
                default -> st.executeUpdate("INSERT INTO other VALUES (" + id + ", " + i + ") ON DUPLICATE KEY UPDATE v = v + 1");
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        if (code != 0) {
            System.out.println(String.join(" ", command) + " -> " + code + ": " + output.trim());
        }
        return code;
    }
}
