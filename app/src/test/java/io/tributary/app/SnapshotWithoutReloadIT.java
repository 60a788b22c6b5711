package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A replication user without RELOAD cannot take the locking snapshot's global read lock: the pipeline
 * refuses to start, saying what to grant (before, Debezium failed on it and the job restarted
 * forever). Once granted, the same pipeline runs and ends equal row by row.
 */
class SnapshotWithoutReloadIT {
    @Test
    void withoutReloadThePipelineSaysWhatToGrant() throws Exception {
        MySqlServer mysql = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        String password = "NoReload-" + Long.toHexString(System.nanoTime());
        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS noreload");
            st.execute("CREATE DATABASE noreload");
            st.execute("CREATE TABLE noreload.items (id INT PRIMARY KEY, v VARCHAR(20))");
            st.execute("INSERT INTO noreload.items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            st.execute("DROP USER IF EXISTS 'tributary_noreload'@'%'");
            st.execute("CREATE USER 'tributary_noreload'@'%' IDENTIFIED BY '" + password + "'");
            st.execute("GRANT SELECT, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* "
                    + "TO 'tributary_noreload'@'%'");
        }
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS noreload");

        Path refusedDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "noreload-");
        PipelineTestSupport.TestConfig refused = configure(refusedDir, mysql, clickhouse, password);
        Process first = PipelineTestSupport.startPipeline(refused.file(), refused.env(), refusedDir.resolve("run.log"));
        assertThat(first.waitFor(120, TimeUnit.SECONDS)).as("refuses to start instead of restarting").isTrue();
        assertThat(first.exitValue()).isNotZero();
        assertThat(Files.readString(refusedDir.resolve("run.log")))
                .contains("lacks the RELOAD privilege")
                .contains("GRANT RELOAD ON *.* TO 'tributary_noreload'")
                .contains("source.mysql.snapshot.reader: debezium");

        try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
            st.execute("GRANT RELOAD ON *.* TO 'tributary_noreload'@'%'");
        }
        Process second = PipelineTestSupport.startPipeline(refused.file(), refused.env(), refusedDir.resolve("run2.log"));
        try {
            PipelineTestSupport.awaitEqual(refused.conf(), 120);
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static PipelineTestSupport.TestConfig configure(Path dir, MySqlServer mysql, ClickHouseServer clickhouse,
                                                            String password) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("source.mysql.user", "tributary_noreload");
        settings.put("source.mysql.snapshot.reader", "locking"); // the chunked reader needs no RELOAD
        settings.put("sink.clickhouse.status-database", "tributary_noreload");
        PipelineTestSupport.TestConfig base = PipelineTestSupport.configure(dir, mysql, clickhouse, "noreload", "t",
                settings);
        Map<String, String> env = new HashMap<>(base.env());
        env.put("TRIBUTARY_SOURCE_MYSQL_PASSWORD", password);
        return new PipelineTestSupport.TestConfig(base.file(), env, TributaryConfig.load(base.file(), env));
    }
}
