package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.SharedServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server keeps its GTIDs but its binlog numbering starts again (RESET MASTER with gtid_purged
 * restored, as after restoring a backup or failing over to a server with fewer binlog files). Debezium
 * would resume by GTID set without complaint, and the changes read would carry positions below the
 * rows already in ClickHouse: they would lose there, silently. Start-up refuses instead, and the
 * recovery it gives converges.
 */
class BinlogRenumberedIT {
    private static final Map<String, String> SETTINGS = PipelineTestSupport.serverSwitchSettings("tributary_renumbered");

    @Test
    void aBinlogNumberedBehindTheStoredPositionIsRefusedAndTheRecoveryConverges() throws Exception {
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "renumbered-");
        try (LocalMySql mysql = LocalMySql.start(dir.resolve("mysql"))) {
            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE renumbered");
                st.execute("CREATE TABLE renumbered.t (id INT PRIMARY KEY, v VARCHAR(20))");
                for (int i = 1; i <= 20; i++) {
                    st.execute("INSERT INTO renumbered.t VALUES (" + i + ", 'before " + i + "')");
                    st.execute("FLUSH BINARY LOGS"); // the stored position ends up in a file numbered above 1
                }
            }
            PipelineTestSupport.TestConfig setup = PipelineTestSupport.configure(dir, mysql, clickhouse, "renumbered", "r",
                    SETTINGS);
            Process first = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run1.log"));
            try {
                PipelineTestSupport.awaitEqual(setup.conf(), 180);
                try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                    st.execute("UPDATE renumbered.t SET v = 'streamed' WHERE id <= 5");
                }
                PipelineTestSupport.awaitEqual(setup.conf(), 120);
            } finally {
                first.destroy(); // graceful: final savepoint
                assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
            }

            try (Connection c = PipelineTestSupport.mysqlAdmin(mysql, ""); Statement st = c.createStatement()) {
                String executed;
                try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.gtid_executed")) {
                    rs.next();
                    executed = rs.getString(1);
                }
                PipelineTestSupport.resetBinaryLogs(c);
                st.execute("SET GLOBAL gtid_purged = '" + executed + "'");
                st.execute("UPDATE renumbered.t SET v = 'after reset' WHERE id > 15");
            }
            Process refused = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run2.log"));
            assertThat(refused.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("run2.log"))).contains("numbers its binlog files behind the stored position")
                    .contains("RESET MASTER").contains("delete its state directory (state.dir)");

            // Deleting the state alone is not enough: ClickHouse holds rows of the old numbering, which the new
            // snapshot's rows could not replace. The fresh start refuses and lists the statements that remove them.
            PipelineTestSupport.deleteRecursively(dir.resolve("state"));
            Process fresh = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run3.log"));
            assertThat(fresh.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(fresh.exitValue()).isNotZero();
            String refusal = Files.readString(dir.resolve("run3.log"));
            assertThat(refusal).contains("ClickHouse already holds rows versioned at binlog.0000")
                    .contains("ahead of the current binlog position binlog.000001").contains("DROP DATABASE `renumbered`;");
            String statements = refusal.substring(refusal.indexOf("run as a ClickHouse admin: ") + 27,
                    refusal.indexOf("then start Tributary again"));
            for (String statement : statements.split(";")) {
                String sql = statement.strip();
                if (!sql.isEmpty()) {
                    PipelineTestSupport.clickhouse(clickhouse, sql.startsWith("ALTER") ? sql + " SETTINGS mutations_sync = 2" : sql);
                }
            }
            PipelineTestSupport.deleteRecursively(dir.resolve("state"));
            Process recovered = PipelineTestSupport.startPipeline(setup.file(), setup.env(), dir.resolve("run4.log"));
            try {
                assertThat(PipelineTestSupport.awaitEqual(setup.conf(), 180)).contains("renumbered.t");
                assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM renumbered.t WHERE v = 'after reset'"))
                        .isEqualTo("5");
            } finally {
                recovered.destroy();
                recovered.waitFor(120, TimeUnit.SECONDS);
            }
        }
    }
}
