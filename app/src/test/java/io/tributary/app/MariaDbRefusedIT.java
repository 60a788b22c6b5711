package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.LocalMariaDb;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * MariaDB as a source: Debezium's MySQL connector does not read MariaDB's binlog and GTIDs (Debezium
 * has a separate MariaDB connector), so start-up against a real MariaDB (Debian's mariadb-server,
 * installed by .ci/setup) must stop at once with a message saying so, before anything is read or
 * written.
 */
class MariaDbRefusedIT {
    @Test
    void startUpAgainstMariaDbIsRefusedWithTheReason() throws Exception {
        Assumptions.assumeTrue(LocalMariaDb.installed(), "mariadb-server is not installed (.ci/setup installs it)");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "mariadb-");
        try (LocalMariaDb mariadb = LocalMariaDb.start(dir.resolve("mariadb"))) {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mariadb, ""); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE flavour");
                st.execute("CREATE TABLE flavour.t (id INT PRIMARY KEY, v VARCHAR(10))");
                st.execute("INSERT INTO flavour.t VALUES (1, 'a')");
            }
            PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mariadb,
                    SharedServers.clickhouse(), "flavour", "mariadb", Map.of());
            Path log = dir.resolve("run.log");
            Process pipeline = PipelineTestSupport.startPipeline(setup.file(), setup.env(), log);
            assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).as("start-up stops by itself").isTrue();
            assertThat(pipeline.exitValue()).isEqualTo(2);
            assertThat(Files.readString(log)).contains("it is MariaDB").contains("MySQL 8 only")
                    .doesNotContain("Starting Debezium");
            assertThat(PipelineTestSupport.clickhouse(SharedServers.clickhouse(), "EXISTS DATABASE flavour"))
                    .as("nothing was written").isEqualTo("0");
        }
    }
}
