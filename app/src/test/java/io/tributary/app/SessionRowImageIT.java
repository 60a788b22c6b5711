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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Binlog settings that a single session, or the server, can change so that a change no longer
 * carries whole rows. None of them may pass silently: a partial row image (a session's
 * {@code binlog_row_image = MINIMAL}) stops the pipeline for good with the table, the position,
 * the setting and the recovery, which then ends equal; {@code binlog_row_value_options =
 * PARTIAL_JSON} on the server is refused at start-up. (Before: the partial image restarted the
 * job forever with Debezium's "restart connector with schema recovery mode", and JSON diffs were
 * skipped without a trace, leaving the old document in ClickHouse.)
 */
class SessionRowImageIT {
    private static final String DB = "rowimage_it";

    @Test
    void aPartialRowImageStopsWithTheSettingAndTheRecoveryEndsEqual() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        PipelineTestSupport.freshDatabase(mysql, clickhouse, DB);
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + DB + ".minimal (id INT PRIMARY KEY, a INT, b VARCHAR(20))");
            st.execute("CREATE TABLE " + DB + ".fine (id INT PRIMARY KEY, a INT)");
            for (int i = 1; i <= 10; i++) {
                st.execute("INSERT INTO " + DB + ".minimal VALUES (" + i + ", " + i + ", 'b" + i + "')");
                st.execute("INSERT INTO " + DB + ".fine VALUES (" + i + ", " + i + ")");
            }
        }
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "rowimage-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, DB,
                "rowimage-" + System.nanoTime(), Map.of("state.checkpoint-interval", "1s"));
        Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, DB); Statement st = c.createStatement()) {
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            st.execute("UPDATE fine SET a = 100 WHERE id = 1");
            st.execute("SET SESSION binlog_row_image = MINIMAL");
            st.execute("UPDATE minimal SET a = a + 100 WHERE id = 1"); // logged: the key and a, not b
            st.execute("SET SESSION binlog_row_image = FULL");
            st.execute("UPDATE fine SET a = 200 WHERE id = 2");

            assertThat(pipeline.waitFor(180, TimeUnit.SECONDS)).as("the pipeline stops instead of restarting forever")
                    .isTrue();
            assertThat(pipeline.exitValue()).isEqualTo(2);
            String output = Files.readString(dir.resolve("run1.log"));
            assertThat(output).contains("A change to table 'minimal'").contains("holds 1 of its 3 columns")
                    .contains("binlog_row_image = MINIMAL or NOBLOB").contains("delete its state directory (state.dir)");
            assertThat(output.split("different column size with internal schema size", -1).length - 1)
                    .as("Debezium read the change once: no restart loop").isEqualTo(1);

            // The documented recovery: a new snapshot, taken after the partial change.
            PipelineTestSupport.deleteRecursively(dir.resolve("state"));
            pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            PipelineTestSupport.awaitEqual(setup.conf(), 180);
            st.execute("UPDATE minimal SET b = 'after recovery' WHERE id = 3");
            PipelineTestSupport.awaitEqual(setup.conf(), 120);
            assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT a FROM " + DB + ".minimal WHERE id = 1"))
                    .isEqualTo("101");
        } finally {
            pipeline.destroy();
            pipeline.waitFor(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void partialJsonOnTheServerIsRefusedAtStartUp() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS " + DB);
            st.execute("SET GLOBAL binlog_row_value_options = PARTIAL_JSON");
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "partialjson-");
            PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, DB,
                    "partialjson-" + System.nanoTime(), Map.of());
            Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run.log"));
            try {
                assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(pipeline.exitValue()).isNotZero();
                assertThat(Files.readString(dir.resolve("run.log"))).contains("binlog_row_value_options is PARTIAL_JSON")
                        .contains("SET PERSIST binlog_row_value_options = ''");
            } finally {
                pipeline.destroyForcibly();
            }
        } finally {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                st.execute("SET GLOBAL binlog_row_value_options = ''");
            }
        }
    }
}
