package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The binlog is purged past the stored position while Tributary is stopped. On start it must stop
 * (exit 2, no restart loop) with a message saying what happened and how to recover; following
 * that recovery (delete state.dir, start) must converge ClickHouse to MySQL again.
 */
class BinlogPurgedIT {
    @Test
    void stopsWithRecoveryStepsThenRecovers() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS purge_it");
            st.execute("CREATE DATABASE purge_it");
            st.execute("CREATE TABLE purge_it.items (id INT PRIMARY KEY, v VARCHAR(40))");
            st.execute("INSERT INTO purge_it.items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS purge_it");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "purge-");
        PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "purge_it", "purge",
                Map.of("sink.clickhouse.status-database", "tributary_purge", "state.checkpoint-interval", "1s"));
        Path config = setup.file();
        Map<String, String> env = setup.env();
        Configuration conf = setup.conf();

        Process pipeline = PipelineTestSupport.startPipeline(config, env, dir.resolve("run1.log"));
        PipelineTestSupport.awaitEqual(conf, 120);
        pipeline.destroy();
        assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();

        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("UPDATE purge_it.items SET v = 'changed while stopped' WHERE id = 2");
            st.execute("DELETE FROM purge_it.items WHERE id = 3");
            st.execute("FLUSH BINARY LOGS");
            st.execute("INSERT INTO purge_it.items VALUES (4, 'four')");
            st.execute("FLUSH BINARY LOGS");
            String current = PipelineTestSupport.binlogStatus(c).file();
            st.execute("PURGE BINARY LOGS TO '" + current + "'");
        }

        Path log = dir.resolve("run2.log");
        pipeline = PipelineTestSupport.startPipeline(config, env, log);
        assertThat(pipeline.waitFor(180, TimeUnit.SECONDS)).as("the pipeline stops instead of restarting forever").isTrue();
        assertThat(pipeline.exitValue()).isEqualTo(2);
        String output = Files.readString(log);
        assertThat(output).contains("error: MySQL no longer has the binlog at the stored position")
                .contains("delete its state directory (state.dir) and start it again");

        // The documented recovery: a new snapshot replaces the older rows.
        PipelineTestSupport.deleteRecursively(dir.resolve("state"));
        pipeline = PipelineTestSupport.startPipeline(config, env, dir.resolve("run3.log"));
        try {
            PipelineTestSupport.awaitEqual(conf, 120);
        } finally {
            pipeline.destroy();
            pipeline.waitFor(60, TimeUnit.SECONDS);
        }
    }

}
