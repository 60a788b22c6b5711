package io.tributary.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.localservers.ClickHouseServer;
import io.tributary.localservers.LocalMySql;
import io.tributary.localservers.MySqlServer;
import io.tributary.localservers.SharedServers;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failover by GTID set to a promoted replica whose binlog numbering overlaps the primary's: the
 * replica's binlog.K is longer than the stored position in the primary's binlog.K, but the changes
 * the pipeline has not read yet sit lower in it, because the replica skipped a 2 MB transaction
 * (a replication filter) that the primary logged before them. Nothing in the numbering tells the
 * two servers apart, so without the epoch those changes would be versioned below rows already in
 * ClickHouse and dropped as repeats. The pipeline must follow the switch on its own and end equal.
 */
class FailoverIT {
    private static final Map<String, String> SETTINGS = PipelineTestSupport.serverSwitchSettings("tributary_failover");

    private static final int PAD_BYTES = 2_000_000;

    @Test
    void aPromotedReplicaIsFollowedByGtidSetWithoutLosingChanges() throws Exception {
        MySqlServer primary = SharedServers.mysql();
        ClickHouseServer clickhouse = SharedServers.clickhouse();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "failover-");
        PipelineTestSupport.clickhouse(clickhouse, "DROP DATABASE IF EXISTS failoverdb");
        String startGtids;
        long fileIndex;
        try (Connection c = PipelineTestSupport.mysqlAdmin(primary, ""); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS failoverdb");
            st.execute("DROP DATABASE IF EXISTS failover_pad");
            st.execute("FLUSH BINARY LOGS");
            startGtids = single(st, "SELECT @@GLOBAL.gtid_executed");
            fileIndex = Long.parseLong(PipelineTestSupport.binlogStatus(c).file().replaceAll(".*\\.", ""));
        }
        try (LocalMySql replica = LocalMySql.start(dir.resolve("replica-mysql"))) {
            try (Connection c = PipelineTestSupport.mysqlAdmin(replica, ""); Statement st = c.createStatement()) {
                st.execute("SET GLOBAL server_id = 2");
                PipelineTestSupport.resetBinaryLogs(c);
                st.execute("SET GLOBAL gtid_purged = '" + startGtids + "'"); // replicate from here on
                for (long i = 1; i < fileIndex; i++) {
                    st.execute("FLUSH BINARY LOGS"); // the replica writes binlog.K while the primary does
                }
                st.execute("CHANGE REPLICATION SOURCE TO SOURCE_HOST = '" + primary.host() + "', SOURCE_PORT = "
                        + primary.port() + ", SOURCE_USER = '" + primary.cdc().user() + "', SOURCE_PASSWORD = '"
                        + primary.cdc().password() + "', SOURCE_AUTO_POSITION = 1");
                st.execute("CHANGE REPLICATION FILTER REPLICATE_IGNORE_DB = (failover_pad)");
                st.execute("START REPLICA");
            }
            try (Connection c = PipelineTestSupport.mysqlAdmin(primary, ""); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE failoverdb");
                st.execute("CREATE TABLE failoverdb.t (id INT PRIMARY KEY, v VARCHAR(40))");
                for (int i = 1; i <= 50; i++) {
                    st.execute("INSERT INTO failoverdb.t VALUES (" + i + ", 'primary " + i + "')");
                }
                // Logged by the primary, skipped by the replica: the primary's later positions are 2 MB higher.
                st.execute("CREATE DATABASE failover_pad");
            }
            // The replica's database filter judges DDL by the default database: USE it.
            try (Connection c = PipelineTestSupport.mysqlAdmin(primary, "failover_pad"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE pad (id INT PRIMARY KEY, b LONGBLOB)");
                st.execute("INSERT INTO pad VALUES (1, REPEAT('x', " + PAD_BYTES + "))");
            }

            PipelineTestSupport.TestConfig onPrimary = PipelineTestSupport.configure(dir, primary, clickhouse, "failoverdb",
                    "f", SETTINGS);
            Process first = PipelineTestSupport.startPipeline(onPrimary.file(), onPrimary.env(), dir.resolve("run1.log"));
            try {
                PipelineTestSupport.awaitEqual(onPrimary.conf(), 180);
            } finally {
                first.destroy(); // graceful: final savepoint
                assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
            }
            String storedFile;
            long storedPosition;
            try (Connection c = PipelineTestSupport.mysqlAdmin(primary, ""); Statement st = c.createStatement()) {
                PipelineTestSupport.BinlogStatus stored = PipelineTestSupport.binlogStatus(c);
                storedFile = stored.file();
                storedPosition = stored.position(); // the pipeline read everything up to here
                // Changes the pipeline has not read when the primary fails.
                st.execute("UPDATE failoverdb.t SET v = CONCAT(v, ' updated before failover') WHERE id <= 20");
                st.execute("DELETE FROM failoverdb.t WHERE id BETWEEN 41 AND 45");
                st.execute("INSERT INTO failoverdb.t VALUES (101, 'primary before failover')");
            }
            String primaryGtids;
            try (Connection c = PipelineTestSupport.mysqlAdmin(primary, ""); Statement st = c.createStatement()) {
                primaryGtids = single(st, "SELECT @@GLOBAL.gtid_executed");
            }
            try (Connection c = PipelineTestSupport.mysqlAdmin(replica, ""); Statement st = c.createStatement()) {
                awaitReplicated(st, primaryGtids);
                st.execute("STOP REPLICA");
                st.execute("RESET REPLICA ALL"); // promoted
                // The promoted server's own writes make its binlog.K longer than the primary's stored position.
                st.execute("CREATE DATABASE failover_local");
                st.execute("CREATE TABLE failover_local.pad (id INT PRIMARY KEY, b LONGBLOB)");
                st.execute("INSERT INTO failover_local.pad VALUES (1, REPEAT('y', " + 2 * PAD_BYTES + "))");
                st.execute("INSERT INTO failoverdb.t VALUES (102, 'replica after failover')");
                st.execute("UPDATE failoverdb.t SET v = 'replica update' WHERE id = 30");
                Map<String, Long> logs = new java.util.HashMap<>();
                try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                    while (rs.next()) {
                        logs.put(rs.getString(1), rs.getLong(2));
                    }
                }
                assertThat(logs.get(storedFile)).as("the replica's " + storedFile + " overlaps the stored position "
                        + storedPosition).isNotNull().isGreaterThan(storedPosition);
                long unreadAt = firstPositionAfter(st, storedFile, "updated before failover");
                assertThat(unreadAt).as("the unread changes sit below the stored position in the replica's numbering")
                        .isLessThan(storedPosition);
            }

            PipelineTestSupport.TestConfig onReplica = PipelineTestSupport.configure(dir, replica, clickhouse, "failoverdb",
                    "f", SETTINGS);
            Process second = PipelineTestSupport.startPipeline(onReplica.file(), onReplica.env(), dir.resolve("run2.log"));
            try {
                assertThat(PipelineTestSupport.awaitEqual(onReplica.conf(), 180)).contains("failoverdb.t");
                assertThat(PipelineTestSupport.clickhouse(clickhouse,
                        "SELECT count() FROM failoverdb.t WHERE v LIKE '%updated before failover'")).isEqualTo("20");
                String newest = PipelineTestSupport.clickhouse(clickhouse,
                        "SELECT toString(max(_version)) FROM failoverdb.t__versions").strip();
                assertThat(new BigInteger(newest).shiftRight(120)).as("epoch of the rows read after the switch")
                        .isEqualTo(BigInteger.ONE);
                assertThat(Files.readString(dir.resolve("run2.log"))).contains("is another server")
                        .contains("versioned in epoch 1");
            } finally {
                second.destroy();
                assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            }

            // A fresh start on the new server (state deleted) continues epoch 1, which ClickHouse holds: in epoch 0
            // its snapshot would sort below the rows read since the switch, and the start would refuse.
            PipelineTestSupport.deleteRecursively(dir.resolve("state"));
            try (Connection c = PipelineTestSupport.mysqlAdmin(replica, ""); Statement st = c.createStatement()) {
                st.execute("DELETE FROM failoverdb.t WHERE id = 50"); // while no pipeline runs
            }
            Process fresh = PipelineTestSupport.startPipeline(onReplica.file(), onReplica.env(), dir.resolve("run3.log"));
            try {
                assertThat(PipelineTestSupport.awaitEqual(onReplica.conf(), 180)).contains("failoverdb.t");
                assertThat(PipelineTestSupport.clickhouse(clickhouse, "SELECT count() FROM failoverdb.t__versions"
                        + " WHERE bitShiftRight(_version, 120) = 0")).as("the new snapshot swept epoch 0").isEqualTo("0");
            } finally {
                fresh.destroy();
                fresh.waitFor(120, TimeUnit.SECONDS);
            }
        } finally {
            try (Connection c = PipelineTestSupport.mysqlAdmin(primary, ""); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS failover_pad");
            }
        }
    }

    private static String single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1).replace("\n", "");
        }
    }

    private static void awaitReplicated(Statement replica, String gtids) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!"1".equals(single(replica, "SELECT GTID_SUBSET('" + gtids + "', @@GLOBAL.gtid_executed)"))) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the replica did not catch up with " + gtids);
            }
            Thread.sleep(200);
        }
    }

    /** Where the replica logged the first row event of the UPDATE that sets {@code marker}, in {@code file}. */
    private static long firstPositionAfter(Statement replica, String file, String marker) throws Exception {
        // The replica logs the UPDATE as the first transaction touching failoverdb.t after the primary's inserts:
        // its Query event "BEGIN" is followed by the table map and the rows. The rows are not searchable by value, so
        // take the position of the first failoverdb.t table map after the 50 inserts.
        int tableMaps = 0;
        try (ResultSet rs = replica.executeQuery("SHOW BINLOG EVENTS IN '" + file + "'")) {
            while (rs.next()) {
                if ("Table_map".equals(rs.getString("Event_type")) && rs.getString("Info").replace("`", "").contains("(failoverdb.t)")) {
                    tableMaps++;
                    if (tableMaps == 51) {
                        return rs.getLong("Pos");
                    }
                }
            }
        }
        throw new AssertionError("no change after the 50 inserts in the replica's " + file + " (" + marker + ")");
    }
}
