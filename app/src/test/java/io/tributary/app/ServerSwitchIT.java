package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalMySql;
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
 * The pipeline's state was read from one MySQL server and the configuration now points at
 * another (a failover to an unrelated server, a restored backup). With GTIDs off the stored binlog
 * position means nothing there: start-up refuses with the recovery. With GTIDs on, the new server
 * lacks the stored GTIDs: the source stops for good with the recovery. Following it converges.
 */
class ServerSwitchIT {
    private static final Map<String, String> SETTINGS = PipelineTestSupport.serverSwitchSettings("tributary_switch");

    @Test
    void aSwitchedServerIsRefusedAndTheRecoveryConverges() throws Exception {
        MySqlServer first = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        load(first, "first");
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "switch-");
        PipelineTestSupport.TestConfig onFirst = PipelineTestSupport.configure(dir, first, clickhouse, "switchdb", "s",
                SETTINGS);
        Process pipeline = PipelineTestSupport.startPipeline(onFirst.file(), onFirst.env(), dir.resolve("run1.log"));
        PipelineTestSupport.awaitEqual(onFirst.conf(), 180);
        pipeline.destroy(); // graceful: final savepoint
        assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).isTrue();

        try (LocalMySql second = LocalMySql.start(dir.resolve("second-mysql"))) {
            load(second, "second");
            try (Connection c = PipelineTestSupport.mysqlAdmin(second, ""); Statement st = c.createStatement()) {
                for (String mode : new String[] {"ON_PERMISSIVE", "OFF_PERMISSIVE", "OFF"}) {
                    st.execute("SET GLOBAL gtid_mode = " + mode);
                }
            }
            Path stateDir = dir.resolve("state");
            PipelineTestSupport.TestConfig onSecond = PipelineTestSupport.configure(dir, second, clickhouse, "switchdb", "s",
                    SETTINGS);
            Process refused = PipelineTestSupport.startPipeline(onSecond.file(), onSecond.env(), dir.resolve("run2.log"));
            assertThat(refused.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("run2.log"))).contains("The MySQL server changed")
                    .contains("has GTIDs off").contains("delete " + stateDir);

            try (Connection c = PipelineTestSupport.mysqlAdmin(second, ""); Statement st = c.createStatement()) {
                for (String mode : new String[] {"OFF_PERMISSIVE", "ON_PERMISSIVE", "ON"}) {
                    st.execute("SET GLOBAL gtid_mode = " + mode);
                }
            }
            Process stopped = PipelineTestSupport.startPipeline(onSecond.file(), onSecond.env(), dir.resolve("run3.log"));
            assertThat(stopped.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(stopped.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("run3.log"))).contains("server was replaced")
                    .contains("delete its state directory (state.dir)");

            // The recovery the messages give: a new snapshot of this server.
            PipelineTestSupport.deleteRecursively(stateDir);
            Process recovered = PipelineTestSupport.startPipeline(onSecond.file(), onSecond.env(), dir.resolve("run4.log"));
            try {
                assertThat(PipelineTestSupport.awaitEqual(onSecond.conf(), 180)).contains("switchdb.t");
                assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM switchdb.t WHERE v LIKE 'second%'"))
                        .isEqualTo("30");
            } finally {
                recovered.destroy();
                recovered.waitFor(120, TimeUnit.SECONDS);
            }
        }
    }

    private static void load(MySqlServer server, String label) throws Exception {
        try (Connection c = PipelineTestSupport.mysqlAdmin(server, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS switchdb");
            st.execute("CREATE DATABASE switchdb");
            st.execute("CREATE TABLE switchdb.t (id INT PRIMARY KEY, v VARCHAR(20))");
            for (int i = 1; i <= 30; i++) {
                st.execute("INSERT INTO switchdb.t VALUES (" + i + ", '" + label + " " + i + "')");
            }
        }
    }
}
